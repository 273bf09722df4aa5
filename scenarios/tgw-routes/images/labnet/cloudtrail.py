"""The audit trail: every write to the network (succeeded or refused), with time, caller, source and
request, in CloudTrail's event shape. Kept append-only on disk (one JSON object a line) and answered
through CloudTrail's LookupEvents, so `aws cloudtrail lookup-events` reads it.

Read-only calls are not recorded: the trail is what changed the network and who tried to.
"""
import datetime
import json
import os
import threading
import uuid

from .awsproto import ApiError

LOOKUP_KEYS = {'EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'}


def identity(world, key):
    """CloudTrail's userIdentity, the LookupEvents user name, and the ARN, for a principal of world.json."""
    p = world.principals[key]
    account = world.account
    if p['type'] == 'IAMUser':
        return (
            {'type': 'IAMUser', 'principalId': p['principalId'], 'arn': p['arn'], 'accountId': account,
             'accessKeyId': p['accessKeyId'], 'userName': p['userName']},
            p['userName'],
            p['arn'],
        )
    arn = f"arn:aws:sts::{account}:assumed-role/{p['role']}/{p['session']}"
    return (
        {
            'type': 'AssumedRole', 'principalId': f"{p['principalId']}:{p['session']}", 'arn': arn, 'accountId': account,
            'accessKeyId': p['accessKeyId'],
            'sessionContext': {
                'sessionIssuer': {'type': 'Role', 'principalId': p['principalId'], 'arn': f"arn:aws:iam::{account}:role/{p['role']}",
                                  'accountId': account, 'userName': p['role']},
                'attributes': {'mfaAuthenticated': 'false'},
            },
        },
        p['session'],
        arn,
    )


def _json_safe(value):
    return json.loads(json.dumps(value, default=str))


class AuditTrail:
    def __init__(self, world, path):
        self.world = world
        self.path = path
        self.events = []
        self.lock = threading.Lock()
        if path and os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                self.events = [json.loads(line) for line in handle if line.strip()]

    def record(self, principal, action, params, result=None, error=None, when=None, source_ip=None, user_agent=None, resources=None, source='ec2.amazonaws.com'):
        p = self.world.principals[principal]
        user_identity, username, _ = identity(self.world, principal)
        when = when or datetime.datetime.now(datetime.timezone.utc)
        event_time = when.strftime('%Y-%m-%dT%H:%M:%SZ')
        event_id = str(uuid.uuid4())
        detail = {
            'eventVersion': '1.08',
            'userIdentity': user_identity,
            'eventTime': event_time,
            'eventSource': source,
            'eventName': action,
            'awsRegion': self.world.region,
            'sourceIPAddress': source_ip or p.get('sourceIp', '10.0.0.1'),
            'userAgent': user_agent or p.get('userAgent', 'aws-internal'),
            'requestParameters': {f'{action}Request': _json_safe(params)},
            'responseElements': _json_safe(result) if error is None else None,
            'requestID': str(uuid.uuid4()),
            'eventID': event_id,
            'readOnly': False,
            'eventType': 'AwsApiCall',
            'managementEvent': True,
            'recipientAccountId': self.world.account,
            'eventCategory': 'Management',
        }
        if error is not None:
            detail['errorCode'] = error.code
            detail['errorMessage'] = error.message
        event = {
            'EventId': event_id,
            'EventName': action,
            'ReadOnly': 'false',
            'AccessKeyId': p['accessKeyId'],
            'EventTime': when.timestamp(),
            'EventSource': source,
            'Username': username,
            'Resources': resources or [],
            'CloudTrailEvent': json.dumps(detail),
        }
        with self.lock:
            self.events.append(event)
            if self.path:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                with open(self.path, 'a', encoding='utf-8') as handle:
                    handle.write(json.dumps(event) + '\n')
                    handle.flush()
                    os.fsync(handle.fileno())
        return event

    def lookup(self, request):
        """LookupEvents: newest first, filtered by at most one lookup attribute and a time range."""
        attributes = request.get('LookupAttributes') or []
        if len(attributes) > 1:
            raise ApiError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.')
        start = request.get('StartTime')
        end = request.get('EndTime')
        with self.lock:
            events = list(self.events)
        events.sort(key=lambda e: e['EventTime'], reverse=True)
        selected = []
        for event in events:
            if start is not None and event['EventTime'] < float(start):
                continue
            if end is not None and event['EventTime'] > float(end):
                continue
            if attributes:
                key = attributes[0].get('AttributeKey')
                value = attributes[0].get('AttributeValue', '')
                if key not in LOOKUP_KEYS:
                    raise ApiError('InvalidLookupAttributesException', f'{key} is not a valid lookup attribute key.')
                if key == 'ResourceType':
                    if not any(r['ResourceType'] == value for r in event['Resources']):
                        continue
                elif key == 'ResourceName':
                    if not any(r['ResourceName'] == value for r in event['Resources']):
                        continue
                elif str(event.get(key)) != value:
                    continue
            selected.append(event)
        size = max(1, min(int(request.get('MaxResults') or 50), 50))
        offset = int(request.get('NextToken') or 0)
        page = selected[offset:offset + size]
        out = {'Events': page}
        if offset + size < len(selected):
            out['NextToken'] = str(offset + size)
        return out
