/**
 * A number input that keeps what is typed (including half-typed "0.") and commits a valid value: on every change
 * when `live`, else on Enter or leaving the field. Invalid text is marked aria-invalid and not committed.
 */
import { useEffect, useState } from 'react';

interface Props {
  label: string;
  value: number | undefined;
  placeholder?: string;
  valid: (x: number) => boolean;
  onCommit: (x: number) => void;
  live?: boolean;
  step?: string;
  hint?: string;
}

export function NumberField({ label, value, placeholder, valid, onCommit, live, step = 'any', hint }: Props) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  const x = Number(text);
  const ok = text.trim() !== '' && valid(x);
  const commit = () => { if (ok && x !== value) onCommit(x); };
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" inputMode="decimal" step={step} value={text} placeholder={placeholder} aria-invalid={text !== '' && !ok}
        onChange={(e) => { setText(e.target.value); const y = Number(e.target.value); if (live && e.target.value.trim() !== '' && valid(y)) onCommit(y); }}
        onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
      {hint && <small>{hint}</small>}
    </label>
  );
}
