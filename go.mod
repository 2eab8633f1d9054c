module github.com/benchgate/benchgate

go 1.26.0

tool (
	github.com/magefile/mage
	golang.org/x/perf/cmd/benchstat
)

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da
)

require github.com/magefile/mage v1.17.2 // indirect
