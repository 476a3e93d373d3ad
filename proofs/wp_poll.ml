(* Loaded by proofs/prove.py into every Frama-C run of `make prove`
   (-load-script). It changes how fast Frama-C runs, never what it proves:
   WP makes the same goals and asks the same provers, and a verdict does not
   depend on when it is collected or how memory is managed.

   Polling: Frama-C's task server, which runs WP's goals and waits on the
   provers, sleeps 50 ms between two polls of its tasks (Task.on_idle), and a
   goal passes through several polls. On 2 cores that sleep, not the provers,
   was most of the wall time of a proof. Here the server sleeps 2 ms instead.

   Garbage collector: about a third of Frama-C's own CPU time in a goals pass
   went to OCaml's collector (perf, paging's goals pass). A minor heap of 1 Mi
   words (8 MiB, default 256 Ki) and a space overhead of 200 (default 80)
   took that pass from 38.0 to 33.9 s of CPU with every result cached, for
   1.1 GiB of memory instead of 0.97 (proofs/README.md). *)
let () =
  Task.on_idle :=
    (fun poll -> try while poll () do Unix.sleepf 0.002 done with Db.Cancel -> ());
  Gc.set { (Gc.get ()) with Gc.minor_heap_size = 1048576; Gc.space_overhead = 200 }
