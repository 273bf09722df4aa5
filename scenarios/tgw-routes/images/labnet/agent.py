"""The agent: one owner of the network's state.

It serves three doors, each on its own port:

- 443 (TLS, on the management network as ec2/sts/cloudtrail.us-east-1.amazonaws.com): the AWS API the
  learner's CLI calls, signed with SigV4. Writes are audited.
- 8080 (the management network, a shared token): the plan the TGW data plane follows (long-poll), and
  the data plane's report of what it applied.
- 8081 (127.0.0.1 only, inside this container): the trainer's door for faults, reverts and checks
  (`labnet-ctl`): calls as any principal of world.json, state and plan as JSON.
"""
import datetime
import json
import os
import ssl
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import awsproto, ec2, render, sigv4
from .awsproto import ApiError
from .cloudtrail import AuditTrail, identity
from .world import World

HERE = os.path.dirname(os.path.abspath(__file__))
CLOUDTRAIL_TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.'


class Agent:
    def __init__(self, catalogue, state_dir=None, now=None):
        self.world = World(catalogue)
        self.state_path = os.path.join(state_dir, 'state.json') if state_dir else None
        self.now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.ec2_model = awsproto.load_model('ec2', '2016-11-15')
        fresh = not (self.state_path and os.path.exists(self.state_path))
        if not fresh:
            with open(self.state_path, encoding='utf-8') as handle:
                self.world.load_json(json.load(handle))
        self.audit = AuditTrail(self.world, os.path.join(state_dir, 'audit.jsonl') if state_dir else None)
        if fresh:
            self._seed_history(catalogue.get('history', []))
            self._save()
        self.dataplane = {'version': None, 'ok': None, 'detail': 'no report yet', 'at': None}

    def _seed_history(self, history):
        """Past changes, stamped relative to now: the audit trail a real account would already have."""
        for entry in history:
            when = self.now() - datetime.timedelta(days=entry['daysAgo'])
            self.audit.record(entry['as'], entry['action'], entry['params'], result=None, when=when,
                              resources=ec2.resources_of(self.world, entry['action'], entry['params']))

    def _save(self):
        if self.state_path:
            self.world.save(self.state_path)

    def secret_for(self, access_key):
        for key, principal in self.world.principals.items():
            if principal.get('accessKeyId') == access_key and principal.get('secretAccessKey'):
                return principal['secretAccessKey']
        return None

    def principal_for(self, access_key):
        for key, principal in self.world.principals.items():
            if principal.get('accessKeyId') == access_key:
                return key
        return None

    def call(self, principal, action, params, source_ip=None, user_agent=None):
        """One EC2 call as a principal: run it, audit it when it writes, wake the data plane."""
        with self.lock:
            version = self.world.version
            try:
                result = ec2.call(self.world, action, params)
            except ApiError as error:
                if action in ec2.WRITES and error.code != 'DryRunOperation':
                    self.audit.record(principal, action, params, error=error, source_ip=source_ip, user_agent=user_agent,
                                      resources=ec2.resources_of(self.world, action, params))
                raise
            if action in ec2.WRITES:
                self.audit.record(principal, action, params, result=result, source_ip=source_ip, user_agent=user_agent,
                                  resources=ec2.resources_of(self.world, action, params))
            if self.world.version != version:
                self._save()
                self.changed.notify_all()
            return result

    def plan(self):
        with self.lock:
            return render.plan(self.world)

    def wait_plan(self, after, timeout):
        deadline = time.monotonic() + timeout
        with self.changed:
            while after is not None and self.world.version <= after:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.changed.wait(left)
            return render.plan(self.world)


# ------------------------------------------------------------------ HTTP plumbing


class Handler(BaseHTTPRequestHandler):
    agent = None
    protocol_version = 'HTTP/1.1'
    server_version = 'AmazonEC2'
    sys_version = ''

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.address_string(), fmt % args))

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('x-amzn-RequestId', str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, value):
        self._send(status, (json.dumps(value, indent=1) + '\n').encode(), 'application/json')


class AwsHandler(Handler):
    """The AWS endpoints: ec2 (query/XML), sts (query/XML), cloudtrail (JSON 1.1), told apart by the signature's scope."""

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        request_id = str(uuid.uuid4())
        body = self._body()
        url = urlsplit(self.path)
        service = 'ec2'
        try:
            credential = sigv4.parse_authorization(self.headers.get('Authorization'))[0]
            service = credential.service
        except sigv4.SignatureError:
            pass
        try:
            sigv4.verify(self.command, url.path, url.query, dict(self.headers.items()), body, self.agent.secret_for)
            principal = self.agent.principal_for(credential.access_key)
        except sigv4.SignatureError as error:
            return self._auth_error(service, error, request_id)
        try:
            if service == 'ec2':
                return self._ec2(principal, body, url.query, request_id)
            if service == 'sts':
                return self._sts(principal, body, url.query, request_id)
            if service == 'cloudtrail':
                return self._cloudtrail(body)
            raise ApiError('UnsupportedOperation', f'The service {service} is not part of this lab.')
        except ApiError as error:
            return self._error(service, error, request_id)
        except Exception as error:  # never a crash: an AWS-shaped 500 with the reason in the agent's log
            traceback.print_exc()
            return self._error(service, ApiError('InternalError', f'An internal error has occurred ({type(error).__name__}).', 500), request_id)

    def _form(self, body, query):
        fields = parse_qs(query, keep_blank_values=True)
        fields.update(parse_qs(body.decode('utf-8'), keep_blank_values=True))
        return {k: v[-1] for k, v in fields.items()}

    def _ec2(self, principal, body, query, request_id):
        form = self._form(body, query)
        action = form.get('Action', '')
        if not action:
            raise ApiError('MissingAction', 'The request must contain the parameter Action')
        if action not in self.agent.ec2_model.operations:
            raise ApiError('InvalidAction', f'The action {action} is not valid for this web service.')
        params = awsproto.parse_ec2_params(self.agent.ec2_model, action, form)
        result = self.agent.call(principal, action, params, source_ip=self.client_address[0], user_agent=self.headers.get('User-Agent'))
        self._send(200, awsproto.ec2_response_xml(self.agent.ec2_model, action, result, request_id), 'text/xml;charset=UTF-8')

    def _sts(self, principal, body, query, request_id):
        form = self._form(body, query)
        action = form.get('Action', '')
        if action != 'GetCallerIdentity':
            raise ApiError('UnsupportedOperation', f'The operation {action} is not supported in this lab.')
        user_identity, _, arn = identity(self.agent.world, principal)
        fields = {'UserId': user_identity['principalId'], 'Account': self.agent.world.account, 'Arn': arn}
        self._send(200, awsproto.sts_response_xml(action, fields, request_id), 'text/xml')

    def _cloudtrail(self, body):
        target = self.headers.get('X-Amz-Target', '')
        if not target.startswith(CLOUDTRAIL_TARGET):
            raise ApiError('UnknownOperationException', f'Unknown operation {target}')
        operation = target[len(CLOUDTRAIL_TARGET):]
        if operation != 'LookupEvents':
            raise ApiError('UnsupportedOperation', f'The operation {operation} is not supported in this lab: only LookupEvents is.')
        request = json.loads(body or b'{}')
        self._send(200, json.dumps(self.agent.audit.lookup(request)).encode(), 'application/x-amz-json-1.1')

    def _error(self, service, error, request_id):
        if service == 'cloudtrail':
            return self._send(error.status, awsproto.json_error(error.code, error.message), 'application/x-amz-json-1.1')
        if service == 'sts':
            return self._send(error.status, awsproto.sts_error_xml(error.code, error.message, request_id), 'text/xml')
        self._send(error.status, awsproto.ec2_error_xml(error.code, error.message, request_id), 'text/xml;charset=UTF-8')

    def _auth_error(self, service, error, request_id):
        if service == 'ec2':
            code = 'AuthFailure' if error.kind in ('unknown-key', 'mismatch', 'missing') else 'SignatureDoesNotMatch' if error.kind == 'expired' else 'IncompleteSignature'
            message = 'AWS was not able to validate the provided access credentials' if code == 'AuthFailure' else str(error)
        elif service == 'sts':
            code = {'unknown-key': 'InvalidClientTokenId', 'mismatch': 'SignatureDoesNotMatch'}.get(error.kind, 'IncompleteSignature')
            message = str(error)
        else:
            code = {'unknown-key': 'UnrecognizedClientException', 'mismatch': 'InvalidSignatureException'}.get(error.kind, 'IncompleteSignature')
            message = str(error)
        self._error(service, ApiError(code, message, 403 if service != 'ec2' or code != 'AuthFailure' else 401), request_id)


class DataplaneHandler(Handler):
    """The TGW's door: the plan (long-poll with ?after=<version>) and its status report."""

    def _authorized(self):
        token = os.environ.get('LABNET_DATAPLANE_TOKEN', '')
        if token and self.headers.get('X-Lab-Token') != token:
            self._json(403, {'error': 'bad token'})
            return False
        return True

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == '/healthz':
            return self._json(200, {'ok': True, 'version': self.agent.world.version})
        if not self._authorized():
            return None
        if url.path != '/v1/dataplane':
            return self._json(404, {'error': 'not found'})
        after = parse_qs(url.query).get('after', [None])[0]
        plan = self.agent.wait_plan(int(after) if after not in (None, '', 'None') else None, timeout=20)
        return self._json(200, plan)

    def do_POST(self):
        if not self._authorized():
            return None
        if urlsplit(self.path).path != '/v1/dataplane/status':
            return self._json(404, {'error': 'not found'})
        report = json.loads(self._body() or b'{}')
        self.agent.dataplane = dict(report, at=time.time())
        return self._json(200, {'ok': True})


class AdminHandler(Handler):
    """The trainer's door (127.0.0.1): faults and reverts call as a named principal; checks read state."""

    def do_GET(self):
        path = urlsplit(self.path).path
        agent = self.agent
        if path == '/admin/state':
            with agent.lock:
                world = agent.world
                tables = {t['name']: {'id': t['id'], 'routes': world.tgw_routes(t['id'])} for t in world.route_tables}
                associations = {world.attachment_by_id[a]['name']: world.route_table_by_id[t]['name'] for a, t in world.associations.items()}
                propagations = sorted(f"{world.route_table_by_id[t]['name']}<-{world.attachment_by_id[a]['name']}" for t, a in world.propagations)
                vpc_routes = {v['name']: world.vpc_table_routes(v['routeTable']['id']) for v in world.vpcs}
                state = {'version': world.version, 'tgwRouteTables': tables, 'associations': associations,
                         'propagations': propagations, 'vpcRouteTables': vpc_routes, 'dataplane': agent.dataplane}
            return self._json(200, state)
        if path == '/admin/plan':
            return self._json(200, agent.plan())
        if path == '/admin/audit':
            return self._json(200, agent.audit.lookup({'MaxResults': 50}))
        return self._json(404, {'error': 'not found'})

    def do_POST(self):
        if urlsplit(self.path).path != '/admin/call':
            return self._json(404, {'error': 'not found'})
        request = json.loads(self._body() or b'{}')
        principal = request.get('as', 'firedrill')
        if principal not in self.agent.world.principals:
            return self._json(400, {'error': f'unknown principal {principal}'})
        try:
            result = self.agent.call(principal, request['action'], request.get('params', {}))
        except ApiError as error:
            return self._json(400, {'error': {'Code': error.code, 'Message': error.message}})
        return self._json(200, {'result': result})


def serve(handler, address, port, context=None):
    server = ThreadingHTTPServer((address, port), handler)
    server.daemon_threads = True
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name=f'{handler.__name__}:{port}', daemon=True)
    thread.start()
    return server


def main():
    with open(os.environ.get('LABNET_WORLD', os.path.join(HERE, 'world.json')), encoding='utf-8') as handle:
        catalogue = json.load(handle)
    agent = Agent(catalogue, state_dir=os.environ.get('LABNET_STATE_DIR', '/var/lib/labnet'))
    Handler.agent = agent
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.environ.get('LABNET_TLS_CERT', '/etc/labnet/endpoint.pem'), os.environ.get('LABNET_TLS_KEY', '/etc/labnet/endpoint.key'))
    serve(AwsHandler, '0.0.0.0', int(os.environ.get('LABNET_API_PORT', '443')), context)
    serve(DataplaneHandler, '0.0.0.0', int(os.environ.get('LABNET_DATAPLANE_PORT', '8080')))
    serve(AdminHandler, '127.0.0.1', int(os.environ.get('LABNET_ADMIN_PORT', '8081')))
    # The healthcheck is a file test (no Python start-up every half second): written once all three doors listen.
    ready = os.environ.get('LABNET_READY_FILE', '/run/labnet/ready')
    os.makedirs(os.path.dirname(ready), exist_ok=True)
    with open(ready, 'w', encoding='utf-8') as handle:
        handle.write('ready\n')
    print(f'labnet agent: state version {agent.world.version}, {len(agent.audit.events)} audit events', flush=True)
    threading.Event().wait()


if __name__ == '__main__':
    main()
