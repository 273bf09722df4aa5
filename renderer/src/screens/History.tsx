export function HistoryScreen() {
  return (
    <section className="screen">
      <h1 tabIndex={-1}>History</h1>
    </section>
  );
}
