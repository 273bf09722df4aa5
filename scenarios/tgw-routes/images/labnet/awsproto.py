"""AWS wire protocols, driven by the service models Debian's python3-botocore ships.

The EC2 query protocol both ways (a form body in, XML out, shapes and element names taken from the
model, so the real AWS CLI parses every answer), STS's query XML, and the JSON 1.1 protocol
CloudTrail speaks. Only the model *data* is used: no botocore code runs in the agent.
"""
import datetime
import json
import os
from xml.sax.saxutils import escape

MODEL_DIRS = [
    os.environ.get('LABNET_MODELS', ''),
    '/usr/lib/python3/dist-packages/botocore/data',
    '/usr/share/python3-botocore/data',
]

EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/'
STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'


class ApiError(Exception):
    """An error the API answers with: AWS's code, a message and the HTTP status."""

    def __init__(self, code, message, status=400):
        super().__init__(f'{code}: {message}')
        self.code = code
        self.message = message
        self.status = status


def load_model(service, version):
    for base in MODEL_DIRS:
        if not base:
            continue
        path = os.path.join(base, service, version, 'service-2.json')
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                return Model(json.load(handle))
    raise FileNotFoundError(f'no botocore model for {service} {version} in {MODEL_DIRS}')


class Model:
    def __init__(self, data):
        self.data = data
        self.shapes = data['shapes']
        self.operations = data['operations']

    def shape(self, name):
        return self.shapes[name]

    def input_shape(self, operation):
        ref = self.operations[operation].get('input')
        return ref['shape'] if ref else None

    def output_shape(self, operation):
        ref = self.operations[operation].get('output')
        return ref['shape'] if ref else None


# ------------------------------------------------------------------ EC2 query: requests


def _query_key(member, ref):
    """The name a member has on the wire in an EC2 request (botocore's EC2Serializer, inverted)."""
    if 'queryName' in ref:
        return ref['queryName']
    if 'locationName' in ref:
        name = ref['locationName']
        return name[0].upper() + name[1:]
    return member


def parse_ec2_params(model, operation, form):
    """Form fields (`Filter.1.Value.1=...`) → a dict with the model's member names."""
    shape_name = model.input_shape(operation)
    if not shape_name:
        return {}
    prefixes = set()
    for key in form:
        parts = key.split('.')
        for i in range(1, len(parts) + 1):
            prefixes.add('.'.join(parts[:i]))
    return _parse_structure(model, model.shape(shape_name), form, prefixes, '') or {}


def _parse_value(model, shape_name, form, prefixes, key):
    shape = model.shape(shape_name)
    kind = shape['type']
    if kind == 'structure':
        return _parse_structure(model, shape, form, prefixes, key + '.')
    if kind == 'list':
        if f'{key}.1' not in prefixes:
            return None
        items = []
        index = 1
        while f'{key}.{index}' in prefixes:
            value = _parse_value(model, shape['member']['shape'], form, prefixes, f'{key}.{index}')
            if value is not None:
                items.append(value)
            index += 1
        return items
    if key not in form:
        return None
    text = form[key]
    if kind == 'boolean':
        if text.lower() not in ('true', 'false'):
            raise ApiError('InvalidParameterValue', f'Value ({text}) for parameter {key} is invalid. Expected true or false.')
        return text.lower() == 'true'
    if kind in ('integer', 'long'):
        try:
            return int(text)
        except ValueError:
            raise ApiError('InvalidParameterValue', f'Value ({text}) for parameter {key} is invalid. Expected an integer.') from None
    return text


def _parse_structure(model, shape, form, prefixes, prefix):
    out = {}
    for member, ref in shape.get('members', {}).items():
        value = _parse_value(model, ref['shape'], form, prefixes, prefix + _query_key(member, ref))
        if value is not None:
            out[member] = value
    return out


# ------------------------------------------------------------------ EC2 query: responses


def iso_time(value):
    """AWS's timestamp form in XML: 2024-03-12T09:41:27.000Z."""
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.timezone.utc)
        return value.strftime('%Y-%m-%dT%H:%M:%S.') + f'{value.microsecond // 1000:03d}Z'
    return str(value)


def _xml_value(model, shape_name, value, tag, out, indent):
    shape = model.shape(shape_name)
    kind = shape['type']
    pad = '    ' * indent
    if value is None:
        return
    if kind == 'structure':
        out.append(f'{pad}<{tag}>')
        _xml_members(model, shape, value, out, indent + 1)
        out.append(f'{pad}</{tag}>')
    elif kind == 'list':
        item_tag = shape['member'].get('locationName', 'member')
        if not value:
            out.append(f'{pad}<{tag}/>')
            return
        out.append(f'{pad}<{tag}>')
        for item in value:
            _xml_value(model, shape['member']['shape'], item, item_tag, out, indent + 1)
        out.append(f'{pad}</{tag}>')
    elif kind == 'boolean':
        out.append(f'{pad}<{tag}>{"true" if value else "false"}</{tag}>')
    elif kind == 'timestamp':
        out.append(f'{pad}<{tag}>{iso_time(value)}</{tag}>')
    else:
        out.append(f'{pad}<{tag}>{escape(str(value))}</{tag}>')


def _xml_members(model, shape, data, out, indent):
    members = shape.get('members', {})
    unknown = set(data) - set(members)
    if unknown:
        # A handler naming a member the model does not have is our bug: fail loudly, not silently drop it.
        raise KeyError(f'members {sorted(unknown)} are not in the model (known: {sorted(members)})')
    for member, ref in members.items():
        if member in data:
            _xml_value(model, ref['shape'], data[member], ref.get('locationName', member), out, indent)


def ec2_response_xml(model, operation, data, request_id):
    """The XML body of a successful EC2 call: <{Operation}Response> with requestId and the output members."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{operation}Response xmlns="{EC2_NAMESPACE}">', f'    <requestId>{request_id}</requestId>']
    shape_name = model.output_shape(operation)
    if shape_name and data:
        _xml_members(model, model.shape(shape_name), data, out, 1)
    elif shape_name is None:
        # Calls without an output shape (DeleteRoute) answer <return>true</return>.
        out.append('    <return>true</return>')
    out.append(f'</{operation}Response>')
    return ('\n'.join(out) + '\n').encode('utf-8')


def ec2_error_xml(code, message, request_id):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error></Errors>'
        f'<RequestID>{request_id}</RequestID></Response>\n'
    ).encode('utf-8')


# ------------------------------------------------------------------ STS (query protocol, resultWrapper)


def sts_response_xml(operation, fields, request_id):
    inner = ''.join(f'<{k}>{escape(str(v))}</{k}>' for k, v in fields.items())
    return (
        f'<{operation}Response xmlns="{STS_NAMESPACE}"><{operation}Result>{inner}</{operation}Result>'
        f'<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>\n'
    ).encode('utf-8')


def sts_error_xml(code, message, request_id):
    return (
        f'<ErrorResponse xmlns="{STS_NAMESPACE}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
        f'<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>\n'
    ).encode('utf-8')


# ------------------------------------------------------------------ JSON 1.1 (CloudTrail)


def json_error(code, message):
    return json.dumps({'__type': code, 'message': message}).encode('utf-8')
