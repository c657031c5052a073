/**
 * Shown instead of any page once a room speaks a protocol version this app does not know: a
 * newer app is deployed, and only a reload brings it.
 */
export function NewerVersion() {
  return (
    <section className="error-panel" aria-labelledby="newer-title" role="alert">
      <h1 id="newer-title">A newer version is available</h1>
      <p>
        Tickerroom was updated since this page loaded, and the live data now comes in a form this
        page cannot read. Reload to get the new version.
      </p>
      <button type="button" className="button button-primary" onClick={() => location.reload()}>
        Reload
      </button>
    </section>
  );
}
