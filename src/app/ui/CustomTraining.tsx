/** The custom-run builder's optimizer and schedule: optimizer and its settings, batch, steps, snapshots, observed parameters. */
import { OPTIMIZER_KINDS, defaultOptimizer, optimizerLr, parameterNames, type CustomConfig, type OptimizerKind } from '../state/custom';
import type { OptimizerSpec } from '../../train/types';
import { Num, Pick, Text } from './builderFields';
import type { Draft } from './CustomBuilder';

const OPTIMIZERS: { value: OptimizerKind; label: string }[] = [
  { value: 'sgd', label: 'SGD' }, { value: 'momentum', label: 'SGD + momentum' }, { value: 'adam', label: 'Adam' },
  { value: 'adamw', label: 'AdamW' }, { value: 'constrained', label: 'constrained (Adam, norm held)' },
];

type Adam = Extract<OptimizerSpec, { kind: 'adam' }>;

interface Props { draft: Draft; set: (d: Draft) => void; problem: (field: string) => string | undefined }

export function CustomTraining({ draft, set, problem }: Props) {
  const c = draft.custom;
  const put = (patch: Partial<CustomConfig>) => set({ ...draft, custom: { ...c, ...patch } });
  const o = c.optimizer;
  const adam: Adam | undefined = o.kind === 'constrained' ? o.inner as Adam : o.kind === 'adam' || o.kind === 'adamw' ? { ...o, kind: 'adam' } : undefined;
  const setLr = (lr: number) => put({ optimizer: o.kind === 'constrained' ? { ...o, inner: { ...o.inner, lr } } : { ...o, lr } });
  const setAdam = (patch: Partial<Adam>) => put({
    optimizer: o.kind === 'constrained' ? { ...o, inner: { ...(o.inner as Adam), ...patch } } : { ...o, ...patch } as OptimizerSpec,
  });
  const full = c.batchSize === 'full';
  return (
    <fieldset className="builder-part">
      <legend>Optimizer</legend>
      <div className="fields">
        <Pick<OptimizerKind> label="Optimizer" value={o.kind} options={OPTIMIZERS} problem={problem('optimizer')}
          onChange={(k) => put({ optimizer: defaultOptimizer(k, optimizerLr(o)) })} />
        <Num label="η (initial)" value={optimizerLr(o)} onChange={setLr} problem={problem('lr')} hint="changeable live in Training" />
        {o.kind === 'momentum' && <Num label="β" value={o.beta} onChange={(beta) => put({ optimizer: { ...o, beta } })} problem={problem('beta')} />}
        {adam && <Num label="β₁" value={adam.beta1} onChange={(beta1) => setAdam({ beta1 })} problem={problem('betas')} />}
        {adam && <Num label="β₂" value={adam.beta2} onChange={(beta2) => setAdam({ beta2 })} />}
        {o.kind === 'adamw' && <Num label="Weight decay" value={o.weightDecay} onChange={(weightDecay) => put({ optimizer: { ...o, weightDecay } })}
          problem={problem('weightDecay')} />}
      </div>
      <div className="fields">
        <Num label="Init scale" value={c.initScale} onChange={(initScale) => put({ initScale })} problem={problem('initScale')}
          hint={o.kind === 'constrained' ? "paper 1's control: 0.8" : 'initial weights × this'} />
        <Num label="Perturbation" value={c.perturbation} onChange={(perturbation) => put({ perturbation })} problem={problem('perturbation')}
          hint="of runs 1…: w·(1 + p·u), u ~ U[−1, 1]" />
      </div>
      {c.model.kind !== 'quadratic' && (
        <div className="fields">
          <label className="check">
            <input type="checkbox" checked={full} onChange={(e) => put({ batchSize: e.target.checked ? 'full' : 64 })} />
            full batch
          </label>
          {!full && <Num label="Batch size" value={c.batchSize as number} onChange={(batchSize) => put({ batchSize })} problem={problem('batchSize')} />}
          {!full && (
            <label className="check" title="Off: every epoch visits the data in stored order, like a DataLoader without shuffle (paper 1's FCN runs)">
              <input type="checkbox" checked={c.batchOrder === 'shuffled'} onChange={(e) => put({ batchOrder: e.target.checked ? 'shuffled' : 'fixed' })} />
              shuffle each epoch
            </label>
          )}
        </div>
      )}
      <div className="fields">
        <Num label="Steps" value={c.steps} onChange={(steps) => put({ steps })} problem={problem('steps')} hint="the run can go on past it" />
        <Num label="Snapshot interval" value={draft.snapshotEvery} onChange={(snapshotEvery) => set({ ...draft, snapshotEvery })}
          problem={problem('snapshotEvery')} hint="steps between snapshots" />
      </div>
      <Text label="Observed parameters" value={draft.observe} onChange={(observe) => set({ ...draft, observe })} problem={problem('observe')}
        hint={`'all', or names / prefixes: ${parameterNames(c.model).join(', ')}`} />
    </fieldset>
  );
}
