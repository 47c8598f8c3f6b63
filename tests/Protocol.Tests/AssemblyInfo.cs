// Servers are started in this process; one at a time keeps timing-sensitive tests honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
