/**
 * The confirmation step of every operation: what it does, an optional form (children), and
 * Confirm / Cancel. Confirm stays disabled while `canConfirm` is false; the server's error is
 * shown in the dialog, which stays open.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorMessage } from './error-message';

export interface ConfirmDialogProps {
  title: string;
  children?: ComponentChildren;
  confirmLabel?: string;
  canConfirm?: boolean;
  /** Runs the operation; a throw keeps the dialog open with the error. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel = 'Confirm', canConfirm = true, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <h3>{title}</h3>
        {children}
        <ErrorMessage error={error} />
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="primary" disabled={!canConfirm || busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
