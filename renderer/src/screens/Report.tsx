export function ReportScreen({ runId }: { runId: string }) {
  return (
    <section className="screen">
      <h1 tabIndex={-1}>Report</h1>
      <p className="muted">{runId}</p>
    </section>
  );
}
