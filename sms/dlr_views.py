"""`POST /inbound/dlr`: delivery receipts from HTTP gateways (Kannel's dlr-url), applied by the
same rules as receipts over SMPP (sms.smpp.receipts; README: Connecting a carrier)."""

from __future__ import annotations

import re

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from api.responses import SUCCESS, error_body
from common.inbound import inbound_token_ok

from .smpp.receipts import INTERMEDIATE, OUTCOMES, Receipt, apply_receipt

STATES = sorted(INTERMEDIATE | set(OUTCOMES))
# Kannel's dlr-url `%d` (the report type) for gateways that cannot send the SMPP word.
KANNEL_TYPES = {"1": "DELIVRD", "2": "UNDELIV", "4": "ENROUTE", "8": "ACCEPTD", "16": "REJECTD"}
DONE_DATE = re.compile(r"^[0-9]{10,12}$")  # YYMMDDhhmm[ss], as in SMPP receipt texts
ANSWERS = {"applied": "Receipt applied", "ignored": "Receipt already applied or superseded",
           "early": "Receipt kept until the carrier's id is known"}


def _error(code: str, message: str, field: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code=code, message=message, errors=[{field: message}],
                                   status=status), status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])  # Kannel fetches its dlr-url with GET
def inbound_dlr(request: HttpRequest) -> JsonResponse:
    if not inbound_token_ok(request, query_allowed=True):
        return _error("RBC403", "X-Inbound-Token is missing or wrong", "token", 403)
    data = request.POST if request.method == "POST" else request.GET
    message_id = data.get("message_id", "").strip()
    status = data.get("status", "").strip().upper()
    status = KANNEL_TYPES.get(status, status)
    err, done_date = data.get("err", "").strip(), data.get("done_date", "").strip()
    for name, value in (("message_id", message_id), ("status", status)):
        if not value:
            return _error("RBC302", f"body must have required property '{name}'", name, 400)
    if len(message_id) > 65 or "\x00" in message_id:
        return _error("RBC302", "body/message_id must be at most 65 characters, no NUL",
                      "message_id", 400)
    if status not in STATES:
        message = (f"body/status must be one of: {', '.join(STATES)} (or Kannel's "
                   f"{', '.join(KANNEL_TYPES)})")
        return _error("RBC302", message, "status", 400)
    if len(err) > 10 or not err.isalnum() and err:
        return _error("RBC302", "body/err must be at most 10 letters or digits", "err", 400)
    if done_date and not DONE_DATE.match(done_date):
        return _error("RBC302", "body/done_date must be YYMMDDhhmm or YYMMDDhhmmss",
                      "done_date", 400)
    outcome = apply_receipt(Receipt(message_id, status, err), carrier_id=None)
    return JsonResponse({"code": SUCCESS, "message": ANSWERS[outcome],
                         "data": {"message_id": message_id, "outcome": outcome},
                         "error": {}, "status": 200})
