/** Notices from the store: errors in role="alert" (announced at once), warnings and info in role="status". */
import { dismissNotice } from '../state/actions';
import { useApp } from './useApp';

export function Notices() {
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <p>{n.text}</p>
          {n.help && <details><summary>How to fix this</summary><p>{n.help}</p></details>}
          <button type="button" className="dismiss" aria-label={`Dismiss: ${n.text}`} onClick={() => dismissNotice(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
