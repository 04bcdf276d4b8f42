;; gc.wat - a WASI command using GC (3.0): a linked list of structs kept
;; alive while 512 MiB of arrays come and go (more than a program's GC heap
;; may hold at once, so the collector must free them and keep the list),
;; subtyping with ref.test, ref.cast and br_on_cast, and i31 references.
;; Prints one line and exits 0 when all of it holds; with an argument
;; ("gc x"), keeps every array it makes until the heap's limit traps.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "gc: list of 1000 kept over 512 MiB of arrays, casts and i31 ok\n")
  (data (i32.const 160) "gc: something went wrong\n")

  (type $node (struct (field $val i32) (field $next (ref null $node))))
  (type $buf (array (mut i32)))
  (type $chain (struct (field $buf (ref $buf)) (field $next (ref null $chain))))
  (type $shape (sub (struct (field $sides i32))))
  (type $circle (sub $shape (struct (field $sides i32) (field $r f64))))

  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; the list n, n-1, ..., 1
  (func $list (param $n i32) (result (ref null $node))
    (local $l (ref null $node))
    (loop $again
      (local.set $l (struct.new $node (local.get $n) (local.get $l)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $l))

  (func $sum (param $l (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $val (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $next)))
    (local.get $s))

  ;; 8192 arrays of 64 KiB, each checked; the list must survive them all
  (func $churn (result i32)
    (local $keep (ref null $node))
    (local $a (ref null $buf))
    (local $round i32)
    (local $ok i32)
    (local.set $keep (call $list (i32.const 1000)))
    (local.set $round (i32.const 8192))
    (local.set $ok (i32.const 1))
    (loop $r
      (local.set $a (array.new $buf (local.get $round) (i32.const 16384)))
      (array.set $buf (local.get $a) (i32.const 0) (i32.const 0))
      (if (i32.or (i32.ne (array.get $buf (local.get $a) (i32.const 16383)) (local.get $round))
                  (i32.ne (array.len (local.get $a)) (i32.const 16384)))
        (then (local.set $ok (i32.const 0))))
      (br_if $r (local.tee $round (i32.sub (local.get $round) (i32.const 1)))))
    (i32.and (local.get $ok) (i32.eq (call $sum (local.get $keep)) (i32.const 500500))))

  ;; the sides of a shape, or -1 for anything that is not one; a circle's
  ;; radius doubled on the way
  (func $sides (param $x anyref) (result i32)
    (block $not_shape (result anyref)
      (br_on_cast_fail $not_shape anyref (ref $shape) (local.get $x))
      (struct.get $shape $sides)
      (return))
    (drop)
    (i32.const -1))

  (func $casts (result i32)
    (local $s (ref null $shape))
    (local.set $s (struct.new $circle (i32.const 0) (f64.const 1.5)))
    (i32.and
      (i32.and
        (i32.and (ref.test (ref $circle) (local.get $s))
                 (i32.eqz (ref.test (ref struct) (ref.i31 (i32.const 5)))))
        (f64.eq (struct.get $circle $r (ref.cast (ref $circle) (local.get $s)))
                (f64.const 1.5)))
      (i32.and
        (i32.and (i32.eq (call $sides (struct.new $shape (i32.const 4))) (i32.const 4))
                 (i32.eq (call $sides (ref.i31 (i32.const 4))) (i32.const -1)))
        (i32.eq (i31.get_s (ref.cast (ref i31) (ref.i31 (i32.const -3)))) (i32.const -3)))))

  ;; keeps every array: ends in the "out of memory" trap
  (func $hoard
    (local $c (ref null $chain))
    (loop $more
      (local.set $c (struct.new $chain (array.new_default $buf (i32.const 16384))
                                       (local.get $c)))
      (br $more)))

  (func (export "_start")
    (if (i32.and (call $churn) (call $casts))
      (then (call $print (i32.const 64) (i32.const 63)))
      (else (call $print (i32.const 160) (i32.const 25))
            (call $proc_exit (i32.const 1))))
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.gt_u (i32.load (i32.const 16)) (i32.const 1))
      (then (call $hoard))))
)
