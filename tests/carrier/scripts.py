"""`manage.py shell` scripts the carrier tests and bench/carrier.py run in a deployment (no
Django imports here: the bench reads them before any settings exist)."""

SETUP = """
import json
from accounts.services import account_create
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.services import ConfigurationInput, configuration_create, vmn_provision
account = account_create(name="Carrier test", email="c@example.invalid", password="x" * 20).account
sent = profile_create(account=account, data=ProfileInput(
    title="Delivery reports", channel="sms", http_method="POST", url="{url}",
    body={{"id": "<message_id>", "status": "<status>", "trace": "<status_trace>"}}))
incoming = profile_create(account=account, data=ProfileInput(
    title="Incoming", channel="default", http_method="POST", url="{url}",
    body={{"from": "<source>", "message": "<message>"}}))
vmn = vmn_provision(account=account, number="{vmn}")
configuration_create(account=account, data=ConfigurationInput(vmn=vmn, callback_profile=incoming))
print(json.dumps({{"sid": account.sid, "profile": sent.profile_id}}))
"""

SEND = """
import json
from accounts.models import Account
from sms.services import message_send
result = message_send(account=Account.objects.get(sid="{sid}"), to={to!r}, body={body!r},
                      sender={sender!r}, callback_profile_id="{profile}")
print(json.dumps([m.message_id for m in result.messages]))
"""

VMN = "+919870012345"
