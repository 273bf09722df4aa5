export function PostmortemScreen({ runId }: { runId: string }) {
  return (
    <section className="screen">
      <h1 tabIndex={-1}>Postmortem</h1>
      <p className="muted">{runId}</p>
    </section>
  );
}
