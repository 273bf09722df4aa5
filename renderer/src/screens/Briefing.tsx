export function BriefingScreen({ name }: { name: string }) {
  return (
    <section className="screen">
      <h1 tabIndex={-1}>Briefing</h1>
      <p className="muted">{name}</p>
    </section>
  );
}
