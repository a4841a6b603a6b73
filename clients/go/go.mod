module github.com/jobgraph/jobgraph-go

go 1.23

require (
)
