;; exn.wat - a WASI command using exception handling (3.0): try_table with
;; catch and catch_all_ref, throw_ref, and the legacy try/catch, across
;; calls. Prints one line and exits 0 when every exception lands where it
;; should; with an argument ("exn x"), ends with an uncaught exception.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "exn: caught 42, legacy 7, rethrown, nested\n")
  (data (i32.const 128) "exn: an exception went astray\n")
  (tag $e (param i32))
  (tag $f)

  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $thrower (param i32) (throw $e (local.get 0)))
  (func $deeper (param i32) (call $thrower (i32.add (local.get 0) (i32.const 1))))

  ;; caught two calls down: 41 + 1
  (func $caught (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $deeper (i32.const 41)))
      (i32.const -1)))

  ;; the legacy form
  (func $legacy (result i32)
    (try (result i32)
      (do (call $thrower (i32.const 7)) (i32.const -1))
      (catch $e)))

  ;; caught as an exnref, thrown again, caught by tag
  (func $rethrown (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $f))
      (return (i32.const 0)))
    (block $g (param exnref)
      (try_table (param exnref) (catch $f $g) (throw_ref))
      (return (i32.const 0)))
    (i32.const 1))

  ;; the inner handler does not match: the outer one gets it
  (func $nested (result i32)
    (block $outer (result i32)
      (try_table (result i32) (catch $e $outer)
        (block $inner
          (try_table (catch $f $inner) (call $thrower (i32.const 5))))
        (i32.const -1))))

  (func (export "_start")
    (if (i32.and
          (i32.and (i32.eq (call $caught) (i32.const 42))
                   (i32.eq (call $legacy) (i32.const 7)))
          (i32.and (call $rethrown) (i32.eq (call $nested) (i32.const 5))))
      (then (call $print (i32.const 64) (i32.const 43)))
      (else (call $print (i32.const 128) (i32.const 30))
            (call $proc_exit (i32.const 1))))
    ;; an argument: leave one uncaught
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.gt_u (i32.load (i32.const 16)) (i32.const 1))
      (then (call $deeper (i32.const 99)))))
)
