import { describe, expect, it } from 'vitest';
import { lines, validateEdited } from './helpers.js';

/** Each rule: the smallest edit to the valid fixture that breaks it, and the exact diagnostic with its position. */
function expectProblems(edits: [string, string][], expected: string[], ok = false) {
  const result = validateEdited(...edits);
  expect(lines(result)).toEqual(expected);
  expect(result.ok).toBe(ok);
}

describe('semantic rules point at the offending node', () => {
  it('only one root cause can be primary', () => {
    expectProblems(
      [['    - id: bad-config\n      phrases: [config]', '    - id: bad-config\n      primary: true\n      phrases: [config]\n    - id: no-review\n      primary: true\n      match: [[review, skipped|missing]]']],
      ['129:16: only one root cause can be primary ("bad-config" already is) (at postmortem.rootCause[1].primary)'],
    );
  });

  it('metadata.name must equal the folder name', () => {
    expectProblems([['name: valid-minimal', 'name: other-name']], ['4:9: metadata.name "other-name" must equal the folder name "valid-minimal" (at metadata.name)']);
  });

  it('a check naming an unknown service', () => {
    expectProblems([['      service: bastion\n      command: curl', '      service: bastoin\n      command: curl']], [
      '85:16: unknown service "bastoin"; did you mean "bastion"? (services: api, bastion) (at checks.broken[0].service)',
    ]);
  });

  it('a tcp check from an unknown service', () => {
    expectProblems([['from: bastion', 'from: jumpbox']], ['106:17: unknown service "jumpbox" (services: api, bastion) (at checks.resolutions[1].checks[0].from)']);
  });

  it('a fault naming an unknown network', () => {
    expectProblems([['      exec:\n        service: api\n        command: echo stopped', '      disconnect:\n        service: api\n        network: lbb']], [
      '66:18: unknown network "lbb"; did you mean "lab"? (networks: lab) (at faults[1].action.disconnect.network)',
    ]);
  });

  it('a fault revert naming an unknown service', () => {
    expectProblems([['      restart:\n        service: api\n  - id: then-stop', '      restart:\n        service: db\n  - id: then-stop']], [
      '59:18: unknown service "db" (services: api, bastion) (at faults[0].revert.restart.service)',
    ]);
  });

  it('an operation naming an unknown service', () => {
    expectProblems([['      - restart:\n          service: api', '      - restart:\n          service: web']], [
      '72:20: unknown service "web" (services: api, bastion) (at operations[0].actions[0].restart.service)',
    ]);
  });

  it('a solution step naming an unknown service', () => {
    expectProblems([['    - service: api\n      run:', '    - service: ap\n      run:']], [
      '121:16: unknown service "ap"; did you mean "api"? (services: api, bastion) (at solution.steps[0].service)',
    ]);
  });

  it('a solution step running an unknown lab operation', () => {
    expectProblems([["      run: sed -i 's/.*/listen 8080/' /etc/api.conf", '      run: lab op rollbak']], [
      '122:12: lab op "rollbak" is not an operation of this pack; did you mean "rollback"? (operations: rollback) (at solution.steps[0].run)',
    ]);
  });

  it('a service image that is neither a pack image nor a local tag', () => {
    expectProblems([['      image: api\n', '      image: apii\n']], [
      '23:14: image "apii" is neither an image of this pack (api) nor a local tag with a version such as debian:bookworm; did you mean "api"? (at environment.services.api.image)',
    ]);
  });

  it('a local tag with a version is a valid service image', () => {
    expectProblems([['      image: api\n', '      image: postgres:16\n']], [], true);
  });

  it('a replace action with an unknown image', () => {
    expectProblems([['      exec:\n        service: api\n        command: echo stopped', '      replace:\n        service: api\n        image: api-v2']], [
      '66:16: image "api-v2" is neither an image of this pack (api) nor a local tag with a version such as debian:bookworm (at faults[1].action.replace.image)',
    ]);
  });

  it('duplicate check ids across groups', () => {
    expectProblems([['- id: port-open', '- id: api-up']], ['103:15: duplicate check id "api-up" (first at checks.steadyState[0].id) (at checks.resolutions[1].checks[0].id)']);
  });

  it('duplicate check ids within a group', () => {
    expectProblems([['- id: config-ok', '- id: api-slow']], ['93:15: duplicate check id "api-slow" (first at checks.broken[0].id) (at checks.resolutions[0].checks[0].id)']);
  });

  it('duplicate resolution ids', () => {
    expectProblems([['- id: restarted', '- id: fixed']], ['99:11: duplicate resolution id "fixed" (first at checks.resolutions[0].id) (at checks.resolutions[1].id)']);
  });

  it('duplicate fault step ids', () => {
    expectProblems([['  - id: then-stop\n    after: slow-down', '  - id: slow-down\n    at: 1s']], ['60:9: duplicate fault step id "slow-down" (first at faults[0].id) (at faults[1].id)']);
  });

  it('duplicate hint, signal and image ids', () => {
    expectProblems(
      [
        ['    text: Look at the config file.\n', '    text: Look at the config file.\n  - id: look-at-config\n    after: 6m\n    text: Again.\n'],
        ['    rootCause: true\n', '    rootCause: true\n  - id: read-config\n    description: Again\n    evidence: [{ run: [cat] }]\n'],
        ['    - name: api\n  networks:', '    - name: api\n    - name: api\n  networks:'],
      ],
      [
        '18:13: duplicate image name "api" (first at environment.images[0].name) (at environment.images[1].name)',
        '115:9: duplicate investigation signal id "read-config" (first at investigation[0].id) (at investigation[1].id)',
        '122:9: duplicate hint id "look-at-config" (first at hints[0].id) (at hints[1].id)',
      ],
    );
  });

  it('duplicate variant names', () => {
    expectProblems([['variants:\n', 'variants:\n  - name: stopped\n']], ['138:11: duplicate variant name "stopped" (first at variants[0].name) (at variants[1].name)']);
  });

  it('the variant name "default" is reserved for the base scenario', () => {
    expectProblems([['  - name: stopped\n', '  - name: default\n']], ['137:11: variant name "default" is reserved: it selects the base scenario (--variant default) (at variants[0].name)']);
  });

  it('after naming an unknown step', () => {
    expectProblems([['after: slow-down', 'after: slow-dwn']], ['61:12: after names unknown fault step "slow-dwn"; did you mean "slow-down"? (steps: slow-down, then-stop) (at faults[1].after)']);
  });

  it('after forming a cycle', () => {
    expectProblems([['    at: 0s\n    action:\n      script:', '    after: then-stop\n    action:\n      script:']], [
      '52:12: after forms a cycle: slow-down → then-stop → slow-down (at faults[0].after)',
    ]);
  });

  it('a step with both at and after', () => {
    expectProblems([['    delay: 5s\n', '    at: 5s\n']], ['60:5: fault step "then-stop" has both "at" and "after"; use one (at faults[1])']);
  });

  it('a step with neither at nor after', () => {
    expectProblems([['    after: slow-down\n', '    description: stop it\n']], [
      '60:5: fault step "then-stop" needs "at" (a time from injection) or "after" (another step\'s id) (at faults[1])',
    ]);
  });

  it('a capability typo gets a suggestion', () => {
    expectProblems([['capabilities: [NET_ADMIN]', 'capabilities: [NET_ADMN]']], [
      '29:22: capability "NET_ADMN" is not allowed; packs may use: NET_ADMIN, NET_RAW, SYS_PTRACE, KILL, CHOWN, SETUID, SETGID; did you mean "NET_ADMIN"? (at environment.services.api.capabilities[0])',
    ]);
  });

  it('a capability outside the allowlist', () => {
    expectProblems([['capabilities: [NET_ADMIN]', 'capabilities: [SYS_ADMIN]']], [
      '29:22: capability "SYS_ADMIN" is not allowed; packs may use: NET_ADMIN, NET_RAW, SYS_PTRACE, KILL, CHOWN, SETUID, SETGID (at environment.services.api.capabilities[0])',
    ]);
  });

  it('a sysctl outside the allowed prefixes points at its key', () => {
    expectProblems([['net.ipv4.ip_forward: "1"', 'kernel.shmmax: "1"']], [
      '31:9: sysctl "kernel.shmmax" is not allowed; packs may set sysctls starting with: net.ipv4., net.ipv6., net.core.somaxconn (at environment.services.api.sysctls["kernel.shmmax"])',
    ]);
  });

  it('a fixed ipv4 outside its network subnet', () => {
    expectProblems([['ipv4: 10.231.7.10', 'ipv4: 10.231.8.10']], ['27:17: ipv4 10.231.8.10 is outside the subnet 10.231.7.0/24 of network "lab" (at environment.services.api.networks.lab.ipv4)']);
  });

  it('a fixed ipv4 used twice on one network', () => {
    expectProblems([['      networks: [lab]\n', '      networks: { lab: { ipv4: 10.231.7.10 } }\n']], [
      '41:32: ipv4 10.231.7.10 on network "lab" is already used by service "api" (at environment.services.bastion.networks.lab.ipv4)',
    ]);
  });

  it('a fixed ipv4 on a network without a subnet', () => {
    expectProblems([['      subnet: 10.231.7.0/24\n', '      egress: false\n']], [
      '27:17: ipv4 10.231.7.10 needs a subnet: set environment.networks[0].subnet for network "lab" (at environment.services.api.networks.lab.ipv4)',
    ]);
  });

  it('the gateway address is taken by Docker', () => {
    expectProblems([['ipv4: 10.231.7.10', 'ipv4: 10.231.7.1']], [
      '27:17: ipv4 10.231.7.1 is the gateway of 10.231.7.0/24 (Docker takes the first address); use another address (at environment.services.api.networks.lab.ipv4)',
    ]);
  });

  it('a routed network without a subnet', () => {
    expectProblems([['      subnet: 10.231.7.0/24\n', '      routed: true\n']], [
      '20:15: routed network "lab" needs a subnet: its first address is the default gateway a router service claims (at environment.networks[0].routed)',
      '27:17: ipv4 10.231.7.10 needs a subnet: set environment.networks[0].subnet for network "lab" (at environment.services.api.networks.lab.ipv4)',
      '35:16: service "api" is on routed network "lab" and cannot publish ports: the network that carries published ports would compete for its default route; reach it from the sandbox (exec, tcp and sql checks) instead (at environment.services.api.publish)',
    ]);
  });

  it('a routed network with egress', () => {
    expectProblems([['      subnet: 10.231.7.0/24\n', '      subnet: 10.231.7.0/24\n      routed: true\n      egress: true\n']], [
      '22:15: routed network "lab" cannot have egress: a routed network never gives a way out of the sandbox (at environment.networks[0].egress)',
      '37:16: service "api" is on routed network "lab" and cannot publish ports: the network that carries published ports would compete for its default route; reach it from the sandbox (exec, tcp and sql checks) instead (at environment.services.api.publish)',
    ]);
  });

  it('a subnet with host bits set', () => {
    expectProblems([['subnet: 10.231.7.0/24', 'subnet: 10.231.7.5/24']], ['20:15: subnet "10.231.7.5/24": host bits are set; use 10.231.7.0/24 (at environment.networks[0].subnet)']);
  });

  it('bastion must be a service', () => {
    expectProblems([['  bastion: bastion\n', '  bastion: bastian\n']], ['43:12: bastion "bastian" is not a service; did you mean "bastion"? (services: api, bastion) (at environment.bastion)']);
  });

  it('dependsOn naming an unknown service', () => {
    expectProblems([['dependsOn: [api]', 'dependsOn: [apx]']], ['42:19: unknown service "apx"; did you mean "api"? (services: api, bastion) (at environment.services.bastion.dependsOn[0])']);
  });

  it('dependsOn forming a cycle', () => {
    expectProblems([['      publish: [8080]\n', '      publish: [8080]\n      dependsOn: [bastion]\n']], [
      '43:19: dependsOn forms a cycle: api → bastion → api (at environment.services.bastion.dependsOn[0])',
    ]);
  });

  it('a port reached from the host must be published', () => {
    expectProblems([['      publish: [8080]\n', '      publish: [9090]\n']], [
      '48:11: port 8080 of service "api" is not published, but observability endpoint "api-status" reaches it from the host: add 8080 to environment.services.api.publish (at observability[0].port)',
      '79:13: port 8080 of service "api" is not published, but http check "api-up" reaches it from the host: add 8080 to environment.services.api.publish (at checks.steadyState[0].port)',
    ]);
  });

  it('a hint unlocking after the par time', () => {
    expectProblems([['    after: 5m\n', '    after: 20m\n']], ['116:12: hint "look-at-config" unlocks after 20m, later than the par time of 15m (metadata.parMinutes) (at hints[0].after)']);
  });

  it('solution.resolution must be a resolution id', () => {
    expectProblems([['  resolution: fixed\n', '  resolution: fixd\n']], [
      '119:15: solution.resolution "fixd" is not a resolution id; did you mean "fixed"? (resolutions: fixed, restarted) (at solution.resolution)',
    ]);
  });

  it('an exec check on the bastion that reads files the learner can write is a warning', () => {
    expectProblems(
      [['      command: curl -s api:8080/health\n', '      command: curl -s api:8080/health -K ~/.curlrc -o /tmp/out\n']],
      [
        "86:16: warning: exec check \"api-slow\" reads ~/.curlrc, which the learner (the bastion's user) can write: they could choose its verdict; check the system's own state instead (at checks.broken[0].command)",
        "86:16: warning: exec check \"api-slow\" reads /tmp/out, which the learner (the bastion's user) can write: they could choose its verdict; check the system's own state instead (at checks.broken[0].command)",
      ],
      true,
    );
  });

  it('an exec check that runs as the learner is a warning; reading /home on another service is not', () => {
    expectProblems(
      [
        ['      command: [sleep, infinity]\n      networks: [lab]\n      dependsOn: [api]', '      command: [sleep, infinity]\n      user: oncall\n      networks: [lab]\n      dependsOn: [api]'],
        ['      command: curl -s api:8080/health\n', '      command: curl -s api:8080/health\n      user: oncall\n'],
        ['command: [cat, /etc/api.conf]', 'command: [cat, /home/api/api.conf]'],
      ],
      ["88:13: warning: exec check \"api-slow\" runs as \"oncall\", the learner's user on the bastion: their rc files and PATH could choose its verdict; leave user out (checks run as root with a clean environment) (at checks.broken[0].user)"],
      true,
    );
  });

  it('no resolution worth 100 points is a warning', () => {
    expectProblems([['      points: 100\n', '      points: 90\n']], ['89:5: warning: no resolution is worth 100 points: a perfect run cannot get the full outcome score (at checks.resolutions)'], true);
  });

  it('an invalid regular expression, with the regex error', () => {
    expectProblems([['stdoutMatches: "timeout|slow"', 'stdoutMatches: "timeout(|slow"']], [
      '87:22: invalid regular expression "timeout(|slow": Unterminated group (at checks.broken[0].stdoutMatches)',
    ]);
  });

  it('requiredThemesByResolution naming unknown resolutions and themes', () => {
    expectProblems([['    fixed: [config-review]\n', '    fixd: [config-reviw]\n']], [
      '131:5: requiredThemesByResolution names unknown resolution "fixd"; did you mean "fixed"? (resolutions: fixed, restarted) (at postmortem.requiredThemesByResolution.fixd)',
      '131:12: requiredThemesByResolution names unknown action item theme "config-reviw"; did you mean "config-review"? (postmortem.actionItemThemes: config-review) (at postmortem.requiredThemesByResolution.fixd[0])',
    ]);
  });

  it('a variant naming a service that does not exist', () => {
    expectProblems([['          stop:\n            service: api', '          stop:\n            service: db']], [
      '144:22: unknown service "db" (services: api, bastion) (at variants[0].faults[0].action.stop.service)',
    ]);
  });

  it("a variant's resolutions must contain the solution's resolution", () => {
    const variantResolutions = [
      '            service: api\n',
      '            service: api\n    resolutions:\n      - id: other\n        title: Other\n        points: 100\n        checks:\n          - id: other-check\n            title: t\n            kind: exec\n            service: api\n            command: "true"\n',
    ] as [string, string];
    expectProblems([variantResolutions], [
      '119:15: solution.resolution "fixed" is not a resolution id in variant "stopped" (resolutions: other) (at solution.resolution)',
      '131:5: requiredThemesByResolution names unknown resolution "fixed" in variant "stopped" (resolutions: other) (at postmortem.requiredThemesByResolution.fixed)',
    ]);
  });
});
