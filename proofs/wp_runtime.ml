(* Loaded by proofs/prove.py into every Frama-C run of `make prove`
   (-load-script). It changes how fast Frama-C runs, not what it computes:
   WP makes the same goals and asks the same provers with the same limits,
   and a verdict does not depend on when Frama-C collects it. (Measured for
   the collector settings: the 1,984 prover tasks of a cold run have the
   same WP cache keys, hashes of the task text, with and without them.)

   Polling: Frama-C's task server, which runs WP's goals and waits on the
   provers, sleeps 50 ms between two polls of its tasks (Task.on_idle), and
   a goal passes through several polls. On 2 cores that sleep, not the
   provers, was most of the wall time of a proof. Here it sleeps 2 ms.

   Collector: about a third of Frama-C's own CPU went to OCaml's collector
   (perf, 2026-12-05: minor collections, weak hash tables). A 32 MiB minor heap (4 Mi words) and
   a space overhead of 400 took a cold `make prove` from 296-302 s to
   279-280 s of wall time (587 -> 545 s of CPU) in alternating runs, for
   about 0.3 GiB more memory per Frama-C process (proofs/README.md,
   "Runtime script").

   CPU split: at exit it reports the CPU time Frama-C and its provers used
   (below), a figure prove.py prints and nothing that decides a verdict reads. *)
let () =
  Task.on_idle :=
    (fun poll -> try while poll () do Unix.sleepf 0.002 done with Db.Cancel -> ())

let () =
  Gc.set { (Gc.get ()) with Gc.minor_heap_size = 4194304; space_overhead = 400 }

(* CPU split: when ISOLA_PROVE_CPU names a file, Frama-C writes there at
   exit two numbers, its own CPU seconds (user + system) and those of the
   processes it started and waited for, the provers (Unix.times). prove.py
   prints them on each module's line. Nothing is written if Frama-C is
   killed; prove.py then prints no split. *)
let () =
  match Sys.getenv_opt "ISOLA_PROVE_CPU" with
  | None | Some "" -> ()
  | Some path ->
    at_exit (fun () ->
        try
          let t = Unix.times () in
          let oc = open_out path in
          Printf.fprintf oc "%.3f %.3f\n"
            (t.Unix.tms_utime +. t.Unix.tms_stime)
            (t.Unix.tms_cutime +. t.Unix.tms_cstime);
          close_out oc
        with Sys_error _ -> ())
