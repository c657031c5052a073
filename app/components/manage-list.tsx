import { useState } from "react";
import { ConfirmDialog } from "./confirm-dialog.tsx";

type Props = {
  listName: string;
  /** Replaces the edit link; resolves once this browser holds the new one. */
  onRotate(): Promise<void>;
  /** Deletes the list for everyone; resolves once it is gone. */
  onDelete(): Promise<void>;
};

type Asking = "rotate" | "delete" | null;

/**
 * An editor's two actions that cannot be undone, each behind a confirmation: a new edit link
 * (every old one, and every editor who came by one, becomes view-only), and deleting the list.
 */
export function ManageList({ listName, onRotate, onDelete }: Props) {
  const [asking, setAsking] = useState<Asking>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rotated, setRotated] = useState(false);

  const ask = (what: Asking) => {
    setError(null);
    setRotated(false);
    setAsking(what);
  };
  const run = (action: () => Promise<void>, done: () => void) => {
    setBusy(true);
    setError(null);
    action().then(
      () => {
        setBusy(false);
        done();
      },
      (err: unknown) => {
        setBusy(false);
        setError(`That did not work: ${err instanceof Error ? err.message : String(err)}.`);
      },
    );
  };

  return (
    <section className="manage-list" aria-labelledby="manage-list-title">
      <h2 id="manage-list-title" className="section-title">
        Manage this list
      </h2>
      <div className="manage-list-actions">
        <button type="button" className="button button-quiet" onClick={() => ask("rotate")}>
          Rotate edit link
        </button>
        <button
          type="button"
          className="button button-quiet button-danger-quiet"
          onClick={() => ask("delete")}
        >
          Delete list
        </button>
      </div>
      {rotated ? (
        <p className="manage-list-done" role="status">
          The edit link was changed. Old edit links no longer work, and whoever opened one can now
          only view this list: copy the new edit link to share it.
        </p>
      ) : null}
      <ConfirmDialog
        open={asking === "rotate"}
        title="Rotate the edit link?"
        confirmLabel="Rotate edit link"
        busyLabel="Rotating…"
        busy={busy}
        error={error}
        onCancel={() => setAsking(null)}
        onConfirm={() =>
          run(onRotate, () => {
            setAsking(null);
            setRotated(true);
          })
        }
      >
        <p>
          A new edit link replaces the current one. Everyone editing with the old link, on any
          device, can then only view the list. This browser keeps editing with the new link.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === "delete"}
        title={`Delete “${listName}”?`}
        confirmLabel="Delete list"
        busyLabel="Deleting…"
        danger
        busy={busy}
        error={error}
        onCancel={() => setAsking(null)}
        onConfirm={() => run(onDelete, () => setAsking(null))}
      >
        <p>
          The list is deleted for everyone who has its link, and cannot be brought back. People who
          have it open see that it was deleted.
        </p>
      </ConfirmDialog>
    </section>
  );
}
