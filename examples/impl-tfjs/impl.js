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
import { createRequire } from 'node:module';
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

// `require`, not `import()`: TF.js is a CommonJS bundle, which import() first scans for its export
// names (0.26 s of CPU at each start against 0.08 s).
const tf = createRequire(import.meta.url)('@tensorflow/tfjs');
await tf.setBackend('cpu');
tf.enableProdMode();
const { gradCases, gradDistances, shapeKey } = await import('./gradCase.js');

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
/**
 * Applies the fault mode to the answer of request number `served`; returns false to send nothing.
 * `flush` writes the answers before it (a crash comes after them, as it would one at a time).
 */
function injectFault(answer, flush) {
  if (served !== faultAt || fault === '') return true;
  console.error(`impl-tfjs: fault mode ${fault} on request ${answer.id}`);
  switch (fault) {
    case 'garbage':
      flush();
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
      flush();
      console.error(new Error('simulated crash').stack);
      process.exit(1); // pipes are written synchronously on Linux: the answers before it are out
    default:
      return true;
  }
}

// Requests are queued as their lines arrive and answered on the next turn of the event loop, so the
// requests covcheck pipelines (several in flight) are answered together: consecutive grad requests
// of one shape go through TF.js as one graph (gradCases), and their answers leave in one write.
const MAX_GROUP = 64;
const queue = [];
let scheduled = false;
let closing = false;

function answerOne(req) {
  try {
    if (req.op === 'distances') return { id: req.id, ...gradDistances(tf, req) };
    return { id: req.id, error: `unknown op ${JSON.stringify(req.op)}` };
  } catch (e) {
    console.error(e.stack);
    return { id: req.id, error: e.message };
  }
}

function answerGroup(group) {
  try {
    return gradCases(tf, group.map((r) => r.case), bug).map((a, i) => ({ id: group[i].id, ...a }));
  } catch (e) {
    if (group.length > 1) return group.flatMap((r) => answerGroup([r])); // find the one that fails
    console.error(e.stack);
    return [{ id: group[0].id, error: e.message }];
  }
}

function drain() {
  scheduled = false;
  const out = [];
  while (queue.length > 0) {
    const req = queue[0];
    if (req.op === 'bye') {
      process.stdout.write(out.join(''), () => process.exit(0));
      return;
    }
    let answers;
    if (req.op === 'grad') {
      const key = shapeKey(req.case);
      let n = 1;
      while (n < queue.length && n < MAX_GROUP && queue[n].op === 'grad' && shapeKey(queue[n].case) === key) n++;
      answers = answerGroup(queue.splice(0, n));
    } else answers = [answerOne(queue.shift())];
    for (const answer of answers) {
      served++;
      if (injectFault(answer, () => process.stdout.write(out.splice(0).join('')))) out.push(`${JSON.stringify(answer)}\n`);
    }
  }
  if (out.length > 0) process.stdout.write(out.join(''));
  if (closing) process.stdout.write('', () => process.exit(0));
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  queue.push(JSON.parse(line));
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});
lines.on('close', () => {
  closing = true;
  if (!scheduled) drain();
});
