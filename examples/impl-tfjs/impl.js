#!/usr/bin/env node
// A network and losses on TensorFlow.js autograd, checked by covcheck through its implementation
// protocol (covcheck-impl/1, docs/impl-protocol.md): JSON Lines on standard input and output, a
// handshake first, then one answer per request, in order. Diagnostics go to standard error only.
//
//   covcheck verify --impl "node examples/impl-tfjs/impl.js"
//
// Flags (or environment variables), for covcheck's own tests:
//   --bug detach-negative | half-grad    (IMPL_BUG)    a broken loss that covcheck must catch
//   --fault no-handshake | garbage | wrong-id | nan | timeout | crash-midway   (IMPL_FAULT)
//   --negatives explicit | in-batch      (IMPL_NEGATIVES) announce only these negatives (default both)
//   --fault-at N                         (IMPL_FAULT_AT) the request the fault hits (default 1;
//                                                        crash-midway: 2)
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

// Standard output carries protocol lines only: TF.js greets Node users with console.log.
console.log = console.error;
console.info = console.error;

const { values: flags } = parseArgs({ options: { bug: { type: 'string' }, fault: { type: 'string' }, 'fault-at': { type: 'string' }, negatives: { type: 'string' } } });
const bug = flags.bug ?? process.env.IMPL_BUG ?? '';
const fault = flags.fault ?? process.env.IMPL_FAULT ?? '';
const faultAt = Number(flags['fault-at'] ?? process.env.IMPL_FAULT_AT ?? (fault === 'crash-midway' ? 2 : 1));
if (!['', 'detach-negative', 'half-grad'].includes(bug)) throw new Error(`--bug: unknown bug ${JSON.stringify(bug)}`);
const negatives = flags.negatives ?? process.env.IMPL_NEGATIVES ?? '';
if (!['', 'explicit', 'in-batch'].includes(negatives)) throw new Error(`--negatives: expected explicit or in-batch, got ${JSON.stringify(negatives)}`);
if (!['', 'no-handshake', 'garbage', 'wrong-id', 'nan', 'timeout', 'crash-midway'].includes(fault)) throw new Error(`--fault: unknown fault ${JSON.stringify(fault)}`);

const tf = await import('@tensorflow/tfjs');
await tf.setBackend('cpu');
tf.enableProdMode();
const { gradCase, gradDistances } = await import('./gradCase.js');

const send = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

if (fault === 'no-handshake') {
  console.error('impl-tfjs: fault mode no-handshake: exiting without a handshake');
  process.exit(3);
}

send({
  protocol: 'covcheck-impl/1',
  name: bug ? `tfjs-example (bug: ${bug})` : 'tfjs-example',
  dtype: 'float32',
  supports: {
    activations: ['relu', 'leaky_relu', 'linear', 'tanh', 'softplus'],
    bias: true,
    normalize: [{ form: 'plus' }, { form: 'max' }],
    losses: ['simp', 'tri', 'nce', 'official_nce', 'official_subtract', 'ntxent'],
    negatives: negatives === '' ? ['explicit', 'in-batch'] : [negatives],
    distances: true,
  },
});

let served = 0;
/** Applies the fault mode to the answer of request number `served`; returns false to send nothing. */
function injectFault(answer) {
  if (served !== faultAt || fault === '') return true;
  console.error(`impl-tfjs: fault mode ${fault} on request ${answer.id}`);
  switch (fault) {
    case 'garbage':
      process.stdout.write('this line is not JSON\n');
      return false;
    case 'wrong-id':
      answer.id += 1;
      return true;
    case 'nan':
      if (answer.grads) answer.grads.s[0][0] = Number.NaN;
      else answer.loss = Number.NaN;
      return true;
    case 'timeout':
      return false; // never answered
    case 'crash-midway':
      console.error(new Error('simulated crash').stack);
      process.exit(1);
    default:
      return true;
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  const req = JSON.parse(line);
  if (req.op === 'bye') process.exit(0);
  served++;
  let answer;
  try {
    if (req.op === 'grad') answer = { id: req.id, ...gradCase(tf, req.case, bug) };
    else if (req.op === 'distances') answer = { id: req.id, ...gradDistances(tf, req) };
    else answer = { id: req.id, error: `unknown op ${JSON.stringify(req.op)}` };
  } catch (e) {
    console.error(e.stack);
    answer = { id: req.id, error: e.message };
  }
  if (injectFault(answer)) send(answer);
});
lines.on('close', () => process.exit(0));
