"""Verifying AWS Signature Version 4 on requests the AWS CLI signs (header form, as botocore sends it).

The agent recomputes the signature with the secret of the access key the request names; a request
signed with another secret, an unknown key, or a date far from now is refused.
"""
import datetime
import hashlib
import hmac
import re
from urllib.parse import quote, unquote

ALGORITHM = 'AWS4-HMAC-SHA256'
MAX_SKEW = datetime.timedelta(minutes=15)

_AUTH_RE = re.compile(
    r'^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*$'
)


class SignatureError(Exception):
    """kind: 'missing' | 'unknown-key' | 'mismatch' | 'expired' | 'malformed'."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Credential:
    def __init__(self, access_key, date, region, service):
        self.access_key = access_key
        self.date = date
        self.region = region
        self.service = service


def parse_authorization(header):
    if not header:
        raise SignatureError('missing', 'Request is missing Authentication Token')
    match = _AUTH_RE.match(header.strip())
    if not match:
        raise SignatureError('malformed', 'Authorization header is not AWS4-HMAC-SHA256')
    parts = match.group('credential').split('/')
    if len(parts) != 5 or parts[4] != 'aws4_request':
        raise SignatureError('malformed', 'Credential should be scoped to a valid date, region, service and aws4_request')
    return Credential(parts[0], parts[1], parts[2], parts[3]), match.group('signed').split(';'), match.group('signature')


def _canonical_uri(path):
    # botocore quotes the path once, keeping '/' and '~'
    return quote(unquote(path or '/'), safe='/~')


def _canonical_query(query):
    if not query:
        return ''
    pairs = []
    for part in query.split('&'):
        key, _, value = part.partition('=')
        pairs.append((quote(unquote(key), safe='-_.~'), quote(unquote(value), safe='-_.~')))
    return '&'.join(f'{k}={v}' for k, v in sorted(pairs))


def canonical_request(method, path, query, headers, signed_headers, body):
    lower = {k.lower(): v for k, v in headers.items()}
    canonical_headers = ''.join(f'{name}:{" ".join(str(lower.get(name, "")).split())}\n' for name in signed_headers)
    payload = lower.get('x-amz-content-sha256') or hashlib.sha256(body).hexdigest()
    return '\n'.join([method, _canonical_uri(path), _canonical_query(query), canonical_headers, ';'.join(signed_headers), payload])


def _signing_key(secret, date, region, service):
    key = ('AWS4' + secret).encode('utf-8')
    for part in (date, region, service, 'aws4_request'):
        key = hmac.new(key, part.encode('utf-8'), hashlib.sha256).digest()
    return key


def signature(secret, amz_date, credential, canonical):
    scope = f'{credential.date}/{credential.region}/{credential.service}/aws4_request'
    to_sign = '\n'.join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode('utf-8')).hexdigest()])
    return hmac.new(_signing_key(secret, credential.date, credential.region, credential.service), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def verify(method, path, query, headers, body, secret_for, now=None):
    """Returns the Credential when the signature is valid; raises SignatureError otherwise.

    secret_for(access_key) → the secret, or None for a key nobody issued."""
    lower = {k.lower(): v for k, v in headers.items()}
    credential, signed_headers, given = parse_authorization(lower.get('authorization'))
    if 'host' not in signed_headers:
        raise SignatureError('malformed', "'Host' must be a signed header")
    secret = secret_for(credential.access_key)
    if secret is None:
        raise SignatureError('unknown-key', f'The access key ID {credential.access_key} does not exist in our records.')
    amz_date = lower.get('x-amz-date', '')
    try:
        when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise SignatureError('malformed', 'X-Amz-Date is missing or not in the form 20240101T000000Z') from None
    if not amz_date.startswith(credential.date):
        raise SignatureError('malformed', 'The credential date does not match X-Amz-Date')
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if abs(now - when) > MAX_SKEW:
        raise SignatureError('expired', f'Signature expired: {amz_date} is now earlier or later than the allowed 15 minutes')
    expected = signature(secret, amz_date, credential, canonical_request(method, path, query, headers, signed_headers, body))
    if not hmac.compare_digest(expected, given):
        raise SignatureError(
            'mismatch',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
        )
    return credential
