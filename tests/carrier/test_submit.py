"""Messages accepted with SMS_CARRIER_URL set are submitted to the SMSC as a transceiver:
destination, TON/NPI, data coding, and a long text as UDH-concatenated parts."""

from __future__ import annotations

from tests.carrier.conftest import CarrierDeployment

THREE_PARTS = "".join(f"{n:04d} " for n in range(80))  # 400 GSM-7 characters: 3 units


def test_a_three_part_text_goes_out_as_three_concatenated_submits(tmp_path, smsc, template):
    url_options = {"system_type": "cbp", "source_ton": 5, "source_npi": 0,
                   "dest_ton": 1, "dest_npi": 1}
    with CarrierDeployment(tmp_path, smsc, template, **url_options) as carrier:
        carrier.scratch.start_worker()
        (message_id,) = carrier.send("+919876500001", THREE_PARTS)

        submits = smsc.wait_for("submit", count=3)
        bind = smsc.events("bind")[0]
        assert (bind["system_id"], bind["password"], bind["system_type"]) == (
            "tester", "secret", "cbp")
        assert {s["destination_addr"] for s in submits} == {"919876500001"}
        assert {(s["source_addr"], s["source_addr_ton"], s["source_addr_npi"])
                for s in submits} == {("KLRHXA", 5, 0)}
        assert {(s["dest_addr_ton"], s["dest_addr_npi"]) for s in submits} == {(1, 1)}
        assert {(s["data_coding"], s["esm_class"] & 0x40, s["registered_delivery"])
                for s in submits} == {(0, 0x40, 1)}
        headers = sorted(s["udh"][0] for s in submits)  # 00 03 ref total number
        reference = headers[0][4:6]
        assert headers == [f"0003{reference}03{n:02x}" for n in (1, 2, 3)]
        assert "".join(s["text"] for s in sorted(submits, key=lambda s: s["udh"][0])) \
            == THREE_PARTS

        ids = [r["message_id"] for r in smsc.wait_for("submit_resp", count=3)]
        found = carrier.wait_message(message_id, submit_state="submitted")
        assert sorted(found["carrier_message_id"].split()) == sorted(ids)
        assert found["status"] == "Sent"


def test_ucs2_text_and_numeric_sender(tmp_path, smsc, template):
    with CarrierDeployment(tmp_path, smsc, template) as carrier:
        carrier.scratch.start_worker()
        carrier.send("+919876500002", "Привет, мир", sender="919812345678")

        (submit,) = smsc.wait_for("submit")
        assert submit["data_coding"] == 8
        assert submit["text"] == "Привет, мир"
        assert submit["udh"] == [] and submit["esm_class"] & 0x40 == 0
        assert (submit["source_addr"], submit["source_addr_ton"],
                submit["source_addr_npi"]) == ("919812345678", 1, 1)
