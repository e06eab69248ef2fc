"""Real carrier traffic over SMPP 3.4 (README: Connecting a carrier).

url       SMS_CARRIER_URL / a Carrier row's URL -> CarrierOptions
routing   which carrier a destination goes to
parts     a text as the submit_sm parts segmentation counted (UDH, data_coding); MO decoding
submit    the submit queue in the database: claim, record submit_sm_resp, requeue, recover
receipts  delivery receipts (SMPP deliver_sm or POST /inbound/dlr) -> one final status
incoming  mobile-originated deliver_sm, concatenated parts reassembled
leases    at most `binds` sessions per carrier across every worker
session   one bind: the smpplib client, window, tps, enquire_link, reconnect
status    what operators see (delivery_status, /readyz, /metrics)
rows      many UPDATEs in one executemany
"""
