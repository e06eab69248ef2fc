// A test SMSC built on the npm `smpp` package's server (pinned in package.json): the tests drive
// it with JSON lines on stdin and read what it saw as JSON lines on stdout.
//
// Commands (one JSON object per line, field "cmd"):
//   set       {refuse_binds, hold, throttle: {status, count}, errors: {destination: status},
//              tps}  change behaviour (hold: answer no submit_sm until "release")
//   release   {order: "reverse"}  answer the held submit_sm
//   receipt   {message_id, stat, err, style: "tlv" | "text", source, destination, system_id}
//   receipts  {ids: [...], stat, rate}  receipts for many ids, `rate` per second
//   mo        {source, destination, text, coding: "gsm" | "ucs2", parts, system_id}
// receipt and mo go to the first session bound (with `system_id`, if given).
//   drop      close every session's socket without unbind
//   nack      {sequence}  answer a held submit_sm with generic_nack
// deliver_sm still unanswered when a session closes are sent again after the next bind.
// With SMSC_TLS_KEY and SMSC_TLS_CERT (PEM files) it serves SMPP over TLS.
// Events: listening {port}, bind, submit, submit_resp, unbind, deliver_sm_resp, closed, receipt_sent.
'use strict';
const smpp = require('smpp');
const readline = require('readline');
const fs = require('fs');

const state = {refuse_binds: 0, hold: false, throttle: null, errors: {}, tps: 0};
const held = [];
const sessions = new Set();
// deliver_sm not answered before their session closed: sent again on the next bind, as SMSCs do.
const undelivered = [];
let nextId = 1;
let second = 0;
let inSecond = 0;

function emit(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({event: event, t: Date.now()}, fields)) + '\n');
}

function hex(buffer) {
  return Buffer.isBuffer(buffer) ? buffer.toString('hex') : '';
}

function overRate() {
  if (!state.tps) return false;
  const now = Math.floor(Date.now() / 1000);
  if (now !== second) { second = now; inSecond = 0; }
  inSecond += 1;
  return inSecond > state.tps;
}

function deliver(session, fields) {
  session.unanswered = session.unanswered || new Set();
  session.unanswered.add(fields);
  session.deliver_sm(Object.assign({}, fields), () => session.unanswered.delete(fields));
}

function answer(session, pdu, messageId) {
  let status = 0;
  if (state.throttle && state.throttle.count > 0) {
    state.throttle.count -= 1;
    status = smpp.errors[state.throttle.status];
  } else if (state.errors[pdu.destination_addr]) {
    status = smpp.errors[state.errors[pdu.destination_addr]];
  } else if (overRate()) {
    status = smpp.errors.ESME_RTHROTTLED;
  }
  if (status) messageId = '';
  session.send(pdu.response({command_status: status, message_id: messageId}));
  emit('submit_resp', {sequence: pdu.sequence_number, message_id: messageId, status: status});
}

function onSession(session) {
  sessions.add(session);
  session.on('close', () => {
    sessions.delete(session);
    undelivered.push(...(session.unanswered || []));
    emit('closed', {unanswered: (session.unanswered || new Set()).size});
  });
  session.on('error', () => {});
  session.on('bind_transceiver', (pdu) => {
    const refused = state.refuse_binds > 0;
    if (refused) state.refuse_binds -= 1;
    emit('bind', {system_id: pdu.system_id, password: pdu.password,
                  system_type: pdu.system_type, accepted: !refused});
    session.send(pdu.response({command_status: refused ? smpp.errors.ESME_RBINDFAIL : 0,
                               system_id: 'test-smsc'}));
    if (!refused) {
      session.system_id = pdu.system_id;
      for (const fields of undelivered.splice(0, undelivered.length)) deliver(session, fields);
    }
  });
  session.on('enquire_link', (pdu) => {
    emit('enquire_link', {});
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    emit('unbind', {});
    session.send(pdu.response());
    session.close();
  });
  session.on('deliver_sm_resp', (pdu) => {
    emit('deliver_sm_resp', {sequence: pdu.sequence_number, status: pdu.command_status});
  });
  session.on('submit_sm', (pdu) => {
    const message = pdu.short_message || {};
    const messageId = 'smsc-' + (nextId++);  // known before the answer: receipts can overtake it
    emit('submit', {
      sequence: pdu.sequence_number, message_id: messageId, source_addr: pdu.source_addr,
      source_addr_ton: pdu.source_addr_ton, source_addr_npi: pdu.source_addr_npi,
      destination_addr: pdu.destination_addr, dest_addr_ton: pdu.dest_addr_ton,
      dest_addr_npi: pdu.dest_addr_npi, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
      registered_delivery: pdu.registered_delivery, udh: (message.udh || []).map(hex),
      text: typeof message.message === 'string' ? message.message : hex(message.message),
    });
    if (state.hold) held.push([session, pdu, messageId]);
    else answer(session, pdu, messageId);
  });
}

function anySession(systemId) {
  for (const session of sessions) {
    if (session.system_id && (!systemId || session.system_id === systemId)) return session;
  }
  return null;
}

function receiptText(id, stat, err) {
  return 'id:' + id + ' sub:001 dlvrd:' + (stat === 'DELIVRD' ? '001' : '000') +
    ' submit date:2612030000 done date:2612030001 stat:' + stat + ' err:' + (err || '000') +
    ' text:';
}

const STATES = {ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6,
                UNKNOWN: 7, REJECTD: 8};

function sendReceipt(command) {
  const session = anySession(command.system_id);
  const fields = {
    source_addr: command.source || '', destination_addr: command.destination || '',
    esm_class: 0x04, short_message: receiptText(command.message_id, command.stat, command.err),
  };
  if (command.style !== 'text') {
    fields.receipted_message_id = command.message_id;
    fields.message_state = STATES[command.stat] || 7;
  }
  if (session) deliver(session, fields);
  else undelivered.push(fields);  // no bind right now: sent after the next one
  emit('receipt_sent', {message_id: command.message_id});
}

function sendMo(command) {
  const session = anySession(command.system_id);
  if (!session) return;
  const parts = command.parts || 1;
  const size = Math.ceil(command.text.length / parts);
  const ref = 0x42;
  for (let i = 0; i < parts; i += 1) {
    const text = command.text.slice(i * size, (i + 1) * size);
    const fields = {source_addr: command.source, destination_addr: command.destination,
                    source_addr_ton: 1, dest_addr_ton: 1,
                    data_coding: command.coding === 'ucs2' ? 8 : 0};
    if (parts > 1) {
      fields.short_message = {udh: Buffer.from([5, 0, 3, ref, parts, i + 1]), message: text};
    } else {
      fields.short_message = text;
    }
    deliver(session, fields);
  }
}

const handlers = {
  set: (command) => { Object.assign(state, command); },
  release: (command) => {
    const batch = held.splice(0, held.length);
    if (command.order === 'reverse') batch.reverse();
    for (const [session, pdu, messageId] of batch) answer(session, pdu, messageId);
  },
  nack: (command) => {
    const index = held.findIndex(([, pdu]) => pdu.sequence_number === command.sequence);
    if (index < 0) return;
    const [session, pdu] = held.splice(index, 1)[0];
    session.send(new smpp.PDU('generic_nack', {sequence_number: pdu.sequence_number,
                                               command_status: smpp.errors.ESME_RINVCMDLEN}));
  },
  receipt: sendReceipt,
  receipts: (command) => {
    const gap = 1000 / (command.rate || 100);
    command.ids.forEach((id, i) => setTimeout(
      () => sendReceipt({message_id: id, stat: command.stat || 'DELIVRD'}), i * gap));
  },
  mo: sendMo,
  drop: () => {
    held.splice(0, held.length);
    for (const session of sessions) session.destroy();
  },
};

const tls = process.env.SMSC_TLS_KEY ? {key: fs.readFileSync(process.env.SMSC_TLS_KEY),
                                        cert: fs.readFileSync(process.env.SMSC_TLS_CERT)} : {};
const server = smpp.createServer(tls, onSession);
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  emit('listening', {port: server.address().port});
});
readline.createInterface({input: process.stdin}).on('line', (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  handlers[command.cmd](command);
  emit('done', {cmd: command.cmd});
});
process.stdin.on('end', () => process.exit(0));
