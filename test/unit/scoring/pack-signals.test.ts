/**
 * The shipped packs' investigation signals (evidence form) against commands learners really type on each
 * bastion, and against the same words only printed: read the way the scorer reads a session (signals.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { applyVariant } from '../../../main/engine/run/variants.js';
import type { Scenario } from '../../../main/engine/scenario/schema.js';
import { signalsEarned } from './signals-of.js';

const pack = async (name: string): Promise<Scenario> => (await loadScenario(fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url)))).scenario;

/** [command, source, the signals it earns] */
type Case = [string, 'shell' | 'psql', string[]];

function cases(name: string, scenario: () => Scenario, earn: Case[], nothing: string[]): void {
  describe(`${name} investigation signals`, () => {
    it.each(earn)('%s (%s) earns %j', (command, source, signals) => {
      expect(signalsEarned(scenario().investigation, command, source).sort()).toEqual([...signals].sort());
    });
    it.each(nothing)('%s earns nothing', (command) => {
      expect(signalsEarned(scenario().investigation, command)).toEqual([]);
    });
  });
}

const slowQuery = await pack('slow-query');
cases(
  'slow-query',
  () => slowQuery,
  [
    ['curl -s loadgen:9100/stats | jq .p95_ms', 'shell', ['app-latency']],
    ['logs orders -n 100 | grep -i slow', 'shell', ['app-logs']],
    ['deploys orders', 'shell', ['deploy-history']],
    ['git -C /srv/orders log --oneline v1.0.0..v2.0.0', 'shell', ['release-diff']],
    ['cd /srv/orders && git diff v1.0.0 v2.0.0 -- orders/', 'shell', ['release-diff']],
    ['less /srv/orders/CHANGELOG.md', 'shell', ['release-diff']],
    ["psql -Atc 'select state, count(*) from pg_stat_activity group by 1'", 'shell', ['db-load']],
    ['select query, calls, mean_exec_time from pg_stat_statements order by mean_exec_time desc limit 5;', 'psql', ['pg-stat-statements']],
    ["explain (analyze, buffers) select * from orders where customer_email = 'x' order by created_at desc limit 20;", 'psql', ['explain-plan']],
    ["psql -c '\\d orders'", 'shell', ['indexes']],
    ["select indexname, indexdef from pg_indexes where tablename = 'orders';", 'psql', ['indexes']],
    ['ls /srv/orders/migrations', 'shell', ['migrations']],
    ['cd /srv/orders && bin/migrate --status', 'shell', ['migrations']],
    ['select version from schema_migrations order by 1;', 'psql', ['migrations']],
  ],
  [
    'echo curl checkout p95 latency docker logs orders pg_stat_activity top pg_stat_statements explain analyze from orders customer_email pg_indexes schema_migrations 0007 deploys git log',
    "psql -c \"select 'pg_stat_statements explain analyze pg_indexes schema_migrations'\"",
    'cd /srv/orders && bin/migrate',
    "INSERT INTO schema_migrations (version) VALUES ('0007_add_orders_customer_email_idx')",
    'deploy orders v1.0.0',
  ],
);

const configDrift = await pack('config-drift');
cases(
  'config-drift (evidence form, words only)',
  () => configDrift,
  [['ssh edge-2 sudo nginx -T', 'shell', ['edge-host']]],
  ['printf "%s\\n" "reconciler log" "ansible-playbook --check" "git log -p host_vars/"', 'cat > notes <<EOF\nreconciler audit\nEOF'],
);

const configDriftK8s = await pack('config-drift-k8s');
cases(
  'config-drift-k8s',
  () => configDriftK8s,
  [
    ['kubectl get pods -l app=orders', 'shell', ['pod-state']],
    ['kubectl describe pod orders-7d9f8c6b5-x2x9k', 'shell', ['pod-state']],
    ['kubectl logs -l app=orders --previous', 'shell', ['pod-state']],
    ['flux get kustomizations', 'shell', ['flux-status']],
    ['flux events --for Kustomization/shop', 'shell', ['flux-status']],
    ['kubectl describe kustomization shop', 'shell', ['flux-status']],
    ['kubectl get deploy orders -o yaml --show-managed-fields | less', 'shell', ['pod-state', 'managed-fields']],
    ['kubectl get deployment orders -o jsonpath={.metadata.managedFields}', 'shell', ['pod-state', 'managed-fields']],
    ['flux diff kustomization shop --path ./shop-config', 'shell', ['drift-diff']],
    ['kubectl diff --server-side -k shop-config/', 'shell', ['drift-diff']],
    ['cd shop-config && git log -p orders.yaml', 'shell', ['git-history']],
    ['grep -n memory shop-config/orders.yaml', 'shell', ['git-history']],
  ],
  ['echo flux get kustomizations kubectl diff --show-managed-fields', '# git log -p orders.yaml', 'flux reconcile kustomization shop --with-source', 'kubectl apply -f orders.yaml'],
);

const tgw = await pack('tgw-routes');
cases(
  'tgw-routes',
  () => tgw,
  [
    ['ssh web', 'shell', ['reproduce-from-web']],
    ['ssh ec2-user@web curl -s localhost:8080/checkout', 'shell', ['reproduce-from-web']],
    ['aws ec2 describe-route-tables --filters Name=vpc-id,Values=vpc-0a1b2c3d4e5f60718', 'shell', ['vpc-route-tables']],
    ['aws ec2 describe-route-tables --route-table-ids rtb-0b62d8f4a1c3e5b7d', 'shell', ['vpc-route-tables', 'return-path']],
    ['aws ec2 get-transit-gateway-route-table-associations --transit-gateway-route-table-id tgw-rtb-1', 'shell', ['attachment-association']],
    ['aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id tgw-rtb-1 --filters Name=type,Values=static | jq .Routes', 'shell', ['search-routes']],
    ['aws --output table ec2 get-transit-gateway-route-table-propagations --transit-gateway-route-table-id tgw-rtb-1', 'shell', ['propagations']],
    ['aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateTransitGatewayRoute', 'shell', ['audit-trail']],
    ['ssh db', 'shell', ['return-path']],
  ],
  ['echo aws ec2 search-transit-gateway-routes cloudtrail lookup-events describe-route-tables', '# aws ec2 get-transit-gateway-route-table-propagations'],
);

describe('tgw-routes variants keep their own root-cause signals', () => {
  it('the propagation variant makes propagations the root cause', () => {
    const variant = applyVariant(tgw, { variant: tgw.variants[0]!.name }).scenario;
    expect(variant.investigation.filter((s) => s.rootCause).map((s) => s.id)).toContain('propagations');
    expect(signalsEarned(variant.investigation, 'aws ec2 get-transit-gateway-route-table-propagations --transit-gateway-route-table-id x')).toEqual(['propagations']);
  });
});

const alertStorm = await pack('alert-storm');
cases(
  'alert-storm',
  () => alertStorm,
  [
    ['pages | head -20', 'shell', ['read-the-pages']],
    ["amtool alert query -o extended | sort -k startsAt", 'shell', ['read-the-pages', 'alerts-by-start']],
    ["curl -s alertmanager:9093/api/v2/alerts | jq 'sort_by(.startsAt) | .[0].labels'", 'shell', ['read-the-pages', 'alerts-by-start']],
    ['logs orders-1 | tail', 'shell', ['service-logs']],
    ['deploys', 'shell', ['deploy-history']],
    ['select usename, application_name, count(*) from pg_stat_activity group by 1, 2 order by 3 desc;', 'psql', ['connections-by-app']],
    ['SHOW max_connections;', 'psql', ['max-connections']],
    ['git -C /srv/orders diff v1.4.0 v2.0.0 -- config/production.json', 'shell', ['release-diff']],
    ['cat /srv/monitoring/alertmanager.yml', 'shell', ['alerting-config']],
    ['amtool check-config /srv/monitoring/alertmanager.yml', 'shell', ['check-config']],
  ],
  [
    'echo pages amtool alert startsAt logs orders deploys pg_stat_activity max_connections git log alertmanager.yml',
    "echo '[{\"startsAt\": 1}]' | jq 'sort_by(.startsAt)'",
    "psql -c \"select 'max_connections pg_stat_activity'\"",
  ],
);
