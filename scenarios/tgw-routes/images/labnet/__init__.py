"""labnet: the lab's AWS network. One agent owns the state (world.py), answers the AWS CLI
(server.py, ec2.py, cloudtrail.py) and renders the state into the Transit Gateway's Linux data plane
(render.py), which the TGW container applies (dataplane.py)."""
