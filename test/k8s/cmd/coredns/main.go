// CoreDNS for the test cluster, with only the plugins a cluster DNS needs offline. CoreDNS's own main
// imports every plugin (cloud DNS back ends included); importing a subset is CoreDNS's documented way to
// build a smaller server. No `forward`: the test cluster never resolves names outside cluster.local.
package main

import (
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"

	"github.com/coredns/coredns/coremain"
)

func main() { coremain.Run() }
