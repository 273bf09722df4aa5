/**
 * Where the join links point. On this machine only, the server's own address; served on the LAN
 * (`firedrill serve --host 0.0.0.0`), one of the machine's LAN addresses, which the facilitator picks
 * (a laptop has several: Wi-Fi, Ethernet, container bridges).
 */
import { useEffect, useState } from 'react';
import { useClient } from '../../store/context';

export function useJoinOrigins(): string[] {
  const client = useClient();
  const [origins, setOrigins] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    void client.call('app.info', {}).then(
      (info) => {
        if (!live) return;
        const lan = (info.lanUrls ?? []).map((url) => new URL(url).origin);
        setOrigins(lan.length > 0 ? lan : [new URL(info.serverUrl, window.location.href).origin]);
      },
      () => live && setOrigins([window.location.origin]),
    );
    return () => {
      live = false;
    };
  }, [client]);
  return origins;
}

export function JoinOriginPicker({ origins, value, onChange }: { origins: string[]; value: string; onChange: (origin: string) => void }) {
  if (origins.length < 2) return null;
  return (
    <label className="muted">
      Join links use{' '}
      <select data-testid="join-origin" value={value} onChange={(e) => onChange(e.target.value)}>
        {origins.map((origin) => (
          <option key={origin} value={origin}>
            {origin}
          </option>
        ))}
      </select>
    </label>
  );
}
