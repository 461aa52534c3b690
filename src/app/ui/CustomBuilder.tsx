/**
 * "Build your own" run (preset 'custom'): model and data here, optimizer and schedule in CustomTraining. Edits go to
 * a draft; only model ↔ data pairs that can train are offered (CNN: MNIST, transformer: modular, quadratic: no
 * data), every problem is shown under its field, and "Apply" (restarting the run) is enabled only when there is none.
 */
import { useEffect, useState } from 'react';
import * as A from '../state/actions';
import {
  ACTIVATIONS, CUSTOM_BASE, DATA_FOR_MODEL, FNS_1D, FNS_2D, MNIST_MAX, MODEL_KINDS, customProblems, defaultCustom, defaultData,
  observeProblems, withModelKind, type CustomConfig, type DataKind, type ModelKind,
} from '../state/custom';
import type { DatasetSpec } from '../../train/types';
import { Num, NumList, Pick } from './builderFields';
import { CustomTraining } from './CustomTraining';
import { useAppShallow } from './useApp';

/** The builder's state: the custom configuration and the run overrides it sets. */
export interface Draft { custom: CustomConfig; snapshotEvery: number; observe: string }

const MODELS: { value: ModelKind; label: string }[] = [
  { value: 'mlp', label: 'MLP' }, { value: 'cnn', label: 'CNN (LeNet-style)' },
  { value: 'transformer', label: 'transformer (1 layer)' }, { value: 'quadratic', label: 'quadratic ½ wᵀHw' },
];
const DATA_LABELS: Record<DataKind, string> = {
  spiral: 'spiral', circles: 'circles', xor: 'xor', gaussians: 'gaussians', regression1d: 'regression 1-D', regression2d: 'regression 2-D',
  mnist: 'MNIST', modular: 'a + b mod p', none: 'none (the loss is the quadratic)',
};

/** Problems of settings the builder has no field for (only a hand-made state can have them). */
const NOT_INLINE = ['eps', 'bias', 'activation', 'fn', 'normalize'];

export function draftProblems(d: Draft) {
  const out = [...customProblems(d.custom), ...observeProblems(d.observe, d.custom.model)];
  if (!(Number.isInteger(d.snapshotEvery) && d.snapshotEvery >= 1 && d.snapshotEvery <= 10_000)) {
    out.push({ field: 'snapshotEvery', message: 'snapshot interval: a whole number from 1 to 10000' });
  }
  return out;
}

export function CustomBuilder() {
  const run = useAppShallow((st) => st.config.run);
  const fromStore = (): Draft => ({
    custom: structuredClone(run.custom ?? defaultCustom()), snapshotEvery: run.snapshotEvery ?? CUSTOM_BASE.snapshotEvery, observe: run.observe ?? 'all',
  });
  const [draft, set] = useState(fromStore);
  const applied = JSON.stringify([run.custom, run.snapshotEvery, run.observe]);
  useEffect(() => set(fromStore()), [applied]); // a new custom run (applied, or from the URL): start from it
  const problems = draftProblems(draft);
  const problem = (field: string) => problems.find((p) => p.field === field)?.message;
  const { model: m, data: d } = draft.custom;
  const put = (patch: Partial<CustomConfig>) => set({ ...draft, custom: { ...draft.custom, ...patch } });
  const putData = (patch: object) => put({ data: { ...d, ...patch } as DatasetSpec });
  const changed = JSON.stringify(draft) !== JSON.stringify(fromStore());
  return (
    <div className="builder" data-testid="custom-builder">
      <fieldset className="builder-part">
        <legend>Model</legend>
        <div className="fields">
          <Pick<ModelKind> label="Model" value={m.kind} options={MODELS} onChange={(k) => put(withModelKind(draft.custom, k))} problem={problem('model')} />
          {m.kind === 'mlp' && <>
            <NumList label="Hidden widths" value={m.hidden} onChange={(hidden) => put({ model: { ...m, hidden } })} problem={problem('hidden')} hint="e.g. 16, 16" />
            <Pick label="Activation" value={m.activation} options={ACTIVATIONS} onChange={(activation) => put({ model: { ...m, activation } })} />
            <label className="check"><input type="checkbox" checked={m.bias} onChange={(e) => put({ model: { ...m, bias: e.target.checked } })} /> biases</label>
          </>}
          {m.kind === 'cnn' && <>
            <NumList label="Channels (conv1, conv2)" value={m.channels} onChange={(c) => put({ model: { ...m, channels: c as [number, number] } })} problem={problem('channels')} />
            <Num label="Hidden width" value={m.hidden} onChange={(hidden) => put({ model: { ...m, hidden } })} problem={problem('hidden')} />
          </>}
          {m.kind === 'transformer' && <>
            <Num label="d_model" value={m.dModel} onChange={(dModel) => put({ model: { ...m, dModel } })} problem={problem('dModel')} />
            <Num label="d_mlp" value={m.dMlp} onChange={(dMlp) => put({ model: { ...m, dMlp } })} problem={problem('dMlp')} />
            <Num label="Heads" value={m.heads} onChange={(heads) => put({ model: { ...m, heads } })} problem={problem('heads')} />
            <Num label="d_head" value={m.dHead} onChange={(dHead) => put({ model: { ...m, dHead } })} problem={problem('dHead')} />
          </>}
          {m.kind === 'quadratic' && <NumList label="Curvatures" value={m.curvatures} onChange={(curvatures) => put({ model: { ...m, curvatures } })}
            problem={problem('curvatures')} hint="eigenvalues of H; GD gives λ = 1 − ηh" />}
        </div>
        <p className="hint">The output layer and loss follow the data: classes with cross-entropy, regression with squared error.</p>
      </fieldset>
      <fieldset className="builder-part">
        <legend>Data</legend>
        <div className="fields">
          <Pick<DataKind> label="Data set" value={d.kind} options={DATA_FOR_MODEL[m.kind].map((k) => ({ value: k, label: DATA_LABELS[k] }))}
            onChange={(k) => put({ data: defaultData(k) })} problem={problem('data')}
            hint={DATA_FOR_MODEL[m.kind].length === 1 ? `the only data for a ${m.kind}` : undefined} />
          {'n' in d && <Num label="Points" value={d.n} onChange={(n) => putData({ n })} problem={problem('n')} hint="20% held out for testing" />}
          {'noise' in d && <Num label="Noise" value={d.noise} onChange={(noise) => putData({ noise })} problem={problem('noise')} />}
          {d.kind === 'regression1d' && <Pick label="Function" value={d.fn} options={FNS_1D} onChange={(fn) => putData({ fn })} />}
          {d.kind === 'regression2d' && <Pick label="Function" value={d.fn} options={FNS_2D} onChange={(fn) => putData({ fn })} />}
          {d.kind === 'mnist' && <>
            <Num label="Training images" value={d.train} onChange={(train) => putData({ train })} problem={problem('train')} hint={`≤ ${MNIST_MAX.train}`} />
            <Num label="Test images" value={d.test} onChange={(test) => putData({ test })} problem={problem('test')} hint={`≤ ${MNIST_MAX.test}`} />
          </>}
          {d.kind === 'modular' && <>
            <Num label="p" value={d.p} onChange={(p) => putData({ p })} problem={problem('p')} />
            <Num label="Train fraction" value={d.trainFraction} onChange={(trainFraction) => putData({ trainFraction })} problem={problem('trainFraction')} />
          </>}
        </div>
      </fieldset>
      <CustomTraining draft={draft} set={set} problem={problem} />
      <div className="row">
        <button type="button" className="primary" disabled={problems.length > 0 || !changed}
          onClick={() => A.applyCustom(draft.custom, { snapshotEvery: draft.snapshotEvery, observe: draft.observe })}>
          Apply and restart
        </button>
        <button type="button" disabled={!changed} onClick={() => set(fromStore())}>Undo changes</button>
      </div>
      {problems.length > 0 && <p className="hint" data-testid="builder-invalid">{problems.length} problem{problems.length > 1 ? 's' : ''} to fix before it can run.</p>}
      {problems.filter((p) => NOT_INLINE.includes(p.field)).map((p) => <p key={p.field} className="field-problem">⚠ {p.message}</p>)}
    </div>
  );
}
