import type { Command } from 'commander';
import { numberFlag as number } from '../number-flag.js';
import { ConfigError } from '../../errors.js';
import { checkOutputDirectory } from '../../io/checked-file.js';
import { DISTILBERT_WEIGHTS, type DistillationWeights } from '../../distill/distillation-loss.js';
import { studentFromTeacher } from '../../distill/student-init.js';
import { loadTeacher } from '../../distill/teacher.js';
import { runDistillation, type DistillEval } from '../../distill/trainer.js';
import { InstanceDataset, vocabFingerprint } from '../../pretrain/instance-file.js';
import { continuationFlags, dynamicMasker, maskingOptionsFromHeader } from '../../pretrain/masking.js';
import { BertTokenizer } from '../../tokenizer/bert-tokenizer.js';
import type { TrainResult } from '../../train/trainer.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';
import { openStopScope } from '../signals.js';
import { addRunFlags } from '../run-flags.js';

export interface DistillFlags {
  teacher: string;
  data: string[];
  output: string;
  studentLayers: string;
  evalData?: string[];
  temperature: string;
  alphaCe: string;
  alphaMlm: string;
  alphaCos: string;
  restrictCeToMask?: boolean;
  batchSize: string;
  gradAccum: string;
  steps: string;
  lr: string;
  warmupSteps?: string;
  weightDecay: string;
  maxGradNorm: string;
  seed: string;
  evalEvery: string;
  saveEvery: string;
  keepLast: string;
  logEvery: string;
  resume?: boolean;
  overwrite?: boolean;
  minutes?: string;
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);

export async function runDistillCommand(flags: DistillFlags): Promise<TrainResult<DistillEval>> {
  if (flags.resume === true && flags.overwrite === true) throw new ConfigError('distill: --resume and --overwrite exclude each other');
  checkOutputDirectory(flags.output, { label: '--output', error: ConfigError });
  const teacher = loadTeacher(flags.teacher);
  const tokenizer = BertTokenizer.fromPretrained(flags.teacher);
  const layers = number('--student-layers', flags.studentLayers, true, 1);
  const seed = number('--seed', flags.seed, true, 0);
  const student = studentFromTeacher(teacher, layers, { seed, source: flags.teacher });
  const train = InstanceDataset.open(flags.data);
  const evalData = flags.evalData !== undefined && flags.evalData.length > 0 ? InstanceDataset.open(flags.evalData) : undefined;
  try {
    for (const dataset of evalData === undefined ? [train] : [train, evalData]) {
      if (dataset.header.vocabHash !== vocabFingerprint(tokenizer.vocab.tokens)) {
        throw new ConfigError(`${dataset.files[0]!.path}: made with another vocabulary than the teacher's (${flags.teacher})`);
      }
    }
    const header = train.header;
    // distiller.py masks every batch afresh; stored masks, if any, are undone first (unmaskedIds).
    const masker = dynamicMasker(maskingOptionsFromHeader(header, header.wholeWordMask ? continuationFlags(tokenizer.vocab.tokens) : undefined));
    const weights: DistillationWeights = {
      temperature: number('--temperature', flags.temperature, false, 0),
      alphaCe: number('--alpha-ce', flags.alphaCe, false, 0),
      alphaMlm: number('--alpha-mlm', flags.alphaMlm, false, 0),
      alphaCos: number('--alpha-cos', flags.alphaCos, false, 0),
    };
    const steps = number('--steps', flags.steps, true, 1);
    const deadline = flags.minutes === undefined ? Infinity : Date.now() + number('--minutes', flags.minutes, false, 0) * 60_000;
    log(`distill: ${teacher.config.numHiddenLayers}-layer teacher → ${layers}-layer DistilBERT student `
      + `(${(student.numParameters() / 1e6).toFixed(1)}M parameters, teacher ${(teacher.numParameters() / 1e6).toFixed(1)}M); Ctrl-C stops and saves`);
    const stop = openStopScope('distill: stopping at the end of this step and saving a checkpoint');
    const bar = new ProgressBar();
    try {
      const result = await runDistillation({
        teacher, student, weights, seed, restrictCeToMask: flags.restrictCeToMask === true,
        data: {
          train, ...(evalData !== undefined ? { eval: evalData } : {}), masker,
          batchSize: number('--batch-size', flags.batchSize, true, 1), padId: tokenizer.padTokenId,
        },
        optimization: {
          lr: number('--lr', flags.lr, false, 0),
          // distiller.py's warmup_prop 0.05.
          warmupSteps: flags.warmupSteps === undefined ? Math.round(steps * 0.05) : number('--warmup-steps', flags.warmupSteps, true, 0),
          weightDecay: number('--weight-decay', flags.weightDecay, false, 0),
        },
        settings: { studentLayers: layers, teacherLayers: teacher.config.numHiddenLayers, hiddenSize: teacher.config.hiddenSize, vocabSize: teacher.config.vocabSize },
        run: {
          output: flags.output, steps,
          gradAccum: number('--grad-accum', flags.gradAccum, true, 1),
          maxGradNorm: number('--max-grad-norm', flags.maxGradNorm, false, 0),
          logEvery: number('--log-every', flags.logEvery, true, 1),
          evalEvery: number('--eval-every', flags.evalEvery, true, 0),
          saveEvery: number('--save-every', flags.saveEvery, true, 0),
          keepLast: number('--keep-last', flags.keepLast, true, 0),
          resume: flags.resume === true, overwrite: flags.overwrite === true, tokenizer,
          shouldStop: () => stop.requested || Date.now() > deadline,
          onProgress: (p) => bar.update(p.step, p.steps, `loss ${p.loss.toFixed(3)} (ce ${p.metrics['loss_ce']?.toFixed(3)} `
            + `mlm ${p.metrics['loss_mlm']?.toFixed(3)} cos ${p.metrics['loss_cos']?.toFixed(3)}) `
            + `lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s eta ${formatDuration(p.etaSeconds)}`),
          onLog: (message) => {
            bar.done();
            log(message);
          },
        },
      });
      bar.done();
      log(`distill: ${result.stoppedEarly ? 'stopped' : 'finished'} at step ${result.step}; student saved to ${result.finalDir}`);
      if (stop.requested) log('distill: the same command with --resume continues the run');
      return result;
    } finally {
      stop.close();
    }
  } finally {
    train.close();
    evalData?.close();
  }
}

export function registerDistill(program: Command): void {
  const d = DISTILBERT_WEIGHTS;
  addRunFlags(program
    .command('distill')
    .description('distil a BERT teacher (BertForMaskedLM / BertForPreTraining folder) into a DistilBERT student (Sanh et al. 2019) '
      + 'on instance files from create-pretraining-data; writes a DistilBertForMaskedLM folder to --output/final'), { keepLast: 3 })
    .requiredOption('--teacher <dir>', 'the teacher: a BERT folder with an MLM head and its tokenizer files')
    .requiredOption('--data <files...>', 'instance files (shards) made with the teacher\'s vocabulary (masks are drawn afresh)')
    .requiredOption('--output <dir>', 'folder for checkpoint-<step>/, metrics.jsonl, loss-curve.svg and final/')
    .option('--student-layers <n>', 'student layers, initialised from teacher layers round(i·(L−1)/(N−1))', '6')
    .option('--eval-data <files...>', 'held-out instance files: student and teacher MLM accuracy')
    .option('--temperature <x>', 'softmax temperature of the soft targets', String(d.temperature))
    .option('--alpha-ce <x>', 'weight of T² · KL(teacher ‖ student)', String(d.alphaCe))
    .option('--alpha-mlm <x>', 'weight of the MLM cross-entropy', String(d.alphaMlm))
    .option('--alpha-cos <x>', 'weight of the cosine loss between last hidden states', String(d.alphaCos))
    .option('--restrict-ce-to-mask', 'the soft-target loss at masked positions only (distiller.py\'s flag; default: every real token)')
    .option('--batch-size <n>', 'sequences per micro-batch', '32')
    .option('--steps <n>', 'optimizer steps (the schedule decays to 0 at the last)', '1000')
    .option('--lr <x>', 'peak learning rate (distiller.py: 5e-4)', '5e-4')
    .option('--warmup-steps <n>', 'linear warmup steps (default: 5% of --steps, distiller.py\'s warmup_prop)')
    .option('--weight-decay <x>', 'AdamW decay, not applied to biases and LayerNorm (distiller.py: 0)', '0')
    .option('--max-grad-norm <x>', 'clip the global gradient norm (0: off; distiller.py: 5)', '5.0')
    .option('--seed <n>', 'seed of data order, dropout and masking', '12345')
    .option('--eval-every <n>', 'evaluate on --eval-data every n steps and at the end (0: only at the end)', '200')
    .option('--save-every <n>', 'write checkpoint-<step>/ every n steps (0: never)', '500')
    .option('--minutes <x>', 'stop (saving a checkpoint and the student) after this many minutes')
    .action(async (flags: DistillFlags) => {
      await runDistillCommand(flags);
    });
}
