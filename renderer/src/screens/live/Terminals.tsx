import { memo, useCallback } from 'react';
import { TerminalTabs } from '../../components/terminal';
import { useApp, useClient } from '../../store/context';

/** The terminal engineer's xterm tabs, fed with our server URL, the run's terminals and `terminals.open`. */
export const Terminals = memo(function Terminals({
  runId,
  terminals,
  canAdd,
}: {
  runId: string;
  terminals: number[];
  canAdd: boolean;
}) {
  const client = useClient();
  const openTerminal = useApp((s) => s.openTerminal);
  const onAdd = useCallback(async () => {
    const n = await openTerminal();
    if (n === undefined) throw new Error('Could not open a terminal (see the error above).');
    return n;
  }, [openTerminal]);
  // A game's team run: the team's members, for the page to say who it is before typing (shared terminals).
  const loadMembers = useCallback(async () => (await client.call('game.team', { runId })).members, [client, runId]);
  const url = client.terminalSocketUrl();
  const token = new URL(url).searchParams.get('token') ?? '';
  return (
    <div className="terminals panel" data-testid="terminals">
      <TerminalTabs
        url={url}
        token={token}
        runId={runId}
        terminals={terminals}
        canAdd={canAdd}
        onAddTerminal={onAdd}
        loadMembers={loadMembers}
      />
    </div>
  );
});
