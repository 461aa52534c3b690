/**
 * Small fields of the custom-run builder. Unlike NumberField they pass every edit on (a half-typed or out-of-range
 * value becomes NaN or stays as typed), and the builder shows its validation message (custom.ts) under the field.
 */
import { useEffect, useId, useState } from 'react';

interface Base { label: string; problem?: string; hint?: string }


function Note({ id, problem, hint }: { id: string; problem?: string; hint?: string }) {
  if (problem) return <small id={id} className="field-problem" data-testid="builder-problem">⚠ {problem}</small>;
  return hint ? <small id={id}>{hint}</small> : null;
}

/** A text field whose text is kept while typing and parsed on every change. */
function TextField<T>({ label, value, show, parse, onChange, problem, hint, inputMode }: Base & {
  value: T; show: (v: T) => string; parse: (s: string) => T; onChange: (v: T) => void; inputMode?: 'decimal' | 'text';
}) {
  const id = useId();
  const [text, setText] = useState(show(value));
  // follow outside changes (a model switch, a reset), not the echo of our own edit
  useEffect(() => { if (show(parse(text)) !== show(value)) setText(show(value)); }, [value]);
  return (
    <label className="field">
      <span>{label}</span>
      <input type="text" inputMode={inputMode} value={text} aria-invalid={!!problem} aria-describedby={id}
        onChange={(e) => { setText(e.target.value); onChange(parse(e.target.value)); }} />
      <Note id={id} problem={problem} hint={hint} />
    </label>
  );
}

const toNumber = (s: string) => (s.trim() === '' ? NaN : Number(s));

export function Num(p: Base & { value: number; onChange: (x: number) => void }) {
  return <TextField {...p} show={(x: number) => (Number.isNaN(x) ? '' : String(x))} parse={toNumber} inputMode="decimal" />;
}

/** A comma-separated list of numbers ('' is the empty list; a bad entry becomes NaN). */
export function NumList(p: Base & { value: number[]; onChange: (x: number[]) => void }) {
  return <TextField {...p} show={(xs: number[]) => xs.map((x) => (Number.isNaN(x) ? '?' : String(x))).join(', ')}
    parse={(s) => (s.trim() === '' ? [] : s.split(',').map(toNumber))} />;
}

export function Text(p: Base & { value: string; onChange: (s: string) => void }) {
  return <TextField {...p} show={(s: string) => s} parse={(s) => s} />;
}

export function Pick<T extends string>({ label, value, options, onChange, problem, hint }: Base & {
  value: T; options: readonly T[] | readonly { value: T; label: string }[]; onChange: (v: T) => void;
}) {
  const id = useId();
  const opts = options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} aria-invalid={!!problem} aria-describedby={id} onChange={(e) => onChange(e.target.value as T)}>
        {opts.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <Note id={id} problem={problem} hint={hint} />
    </label>
  );
}
