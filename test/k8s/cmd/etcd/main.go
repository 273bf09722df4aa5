// The etcd server binary: the same two lines as go.etcd.io/etcd/v3's main package, whose module the
// Go module proxy does not serve at v3.7; the server module carries the real entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
