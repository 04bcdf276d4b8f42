;; The runner's own check, part 2: every command marked FAIL must fail and
;; every other must pass; tests/spec/selftest.sh compares the line numbers.
;; Run without a skip list, so the text-format module fails too.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "id32f") (param f32) (result f32) (local.get 0))
  (func (export "id64f") (param f64) (result f64) (local.get 0))
  (func (export "arith32") (result f32) (f32.const nan:0x600000))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (func (export "multi") (result i32 i64) (i32.const 1) (i64.const 2))
  (func (export "trap") (unreachable))
  (func (export "none"))
  (global (export "g") i32 (i32.const 42))
)
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4)) ;; FAIL
(assert_return (invoke "id64" (i64.const 1)) (i64.const 2)) ;; FAIL
(assert_return (invoke "id32f" (f32.const 0)) (f32.const -0)) ;; FAIL
(assert_return (invoke "id64f" (f64.const 0)) (f64.const -0)) ;; FAIL
(assert_return (invoke "arith32") (f32.const nan:canonical)) ;; FAIL
(assert_return (invoke "id32f" (f32.const 1)) (f32.const nan:arithmetic)) ;; FAIL
(assert_return (invoke "id64f" (f64.const inf)) (f64.const nan:canonical)) ;; FAIL
(assert_return (invoke "ext" (ref.extern 1)) (ref.extern 2)) ;; FAIL
(assert_return (invoke "ext" (ref.extern 0)) (ref.null extern)) ;; FAIL
(assert_return (invoke "ext" (ref.null extern)) (ref.extern 0)) ;; FAIL
(assert_return (get "g") (i32.const 43)) ;; FAIL
(assert_return (get "add") (i32.const 43)) ;; FAIL
(assert_return (invoke "trap")) ;; FAIL
(assert_return (invoke "none"))
(assert_trap (invoke "add" (i32.const 1) (i32.const 2)) "unreachable") ;; FAIL
(assert_trap (invoke "trap") "integer divide by zero") ;; FAIL
(assert_exhaustion (invoke "trap") "call stack exhausted") ;; FAIL
(assert_exhaustion (invoke "none") "call stack exhausted") ;; FAIL
(invoke "trap") ;; FAIL
(assert_invalid (module (func (result i32) (i32.const 1))) "type mismatch") ;; FAIL
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end") ;; FAIL
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i32)))) "unknown import") ;; FAIL
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i64)))) "incompatible import type")
(assert_trap (module (memory 1) (data (i32.const 0) "a")) "out of bounds memory access") ;; FAIL
(assert_trap (module (func $s) (start $s)) "unreachable") ;; FAIL
(assert_trap (module (memory 1) (data (i32.const 65536) "a")) "out of bounds table access") ;; FAIL
(assert_trap (module (func $s unreachable) (start $s)) "integer overflow") ;; FAIL
(assert_malformed (module quote "(func)") "unexpected token") ;; FAIL
(module (import "spectest" "nope" (func)) (func (export "two") (result i32) (i32.const 2))) ;; FAIL
(assert_return (invoke "two") (i32.const 2)) ;; FAIL
(module (import "spectest" "print_i32" (func (param i32))) (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(module (memory 1) (data (i32.const 65536) "a") (func (export "one") (result i32) (i32.const 1))) ;; FAIL
(assert_return (invoke "one") (i32.const 1)) ;; FAIL
;; WebAssembly 3.0 script commands: each bad command fails itself only
(module (func (export "one") (result i32) (i32.const 1)))
(frob "unknown" (command)) ;; FAIL
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const oops)) ;; FAIL
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (either (i32.const 2) (i32.const 3))) ;; FAIL
(assert_return (invoke "one") (either (i32.const 2) (i32.const 1)))
(assert_exception (invoke "one")) ;; FAIL
(module instance $X $NoSuchDefinition) ;; FAIL
(assert_return (invoke "one") (i32.const 1)) ;; FAIL
(module definition $E (func (export "e") (result externref) (ref.null extern)))
(assert_return (invoke "e") (ref.null extern)) ;; FAIL
(module instance $E)
(module instance $E2 $E)
(assert_return (invoke "e") (ref.extern)) ;; FAIL
(assert_return (invoke "e") (ref.struct)) ;; FAIL
(assert_return (invoke "e") (ref.null any))
(module definition (func (result i32))) ;; FAIL
;; rejected, but for the wrong reason: malformed where the script says
;; invalid, and the reverse
(assert_invalid (module binary "\00asm\01\00\00") "type mismatch") ;; FAIL
(assert_malformed (module (func (result i32))) "unexpected end") ;; FAIL
(assert_invalid (module (func (frob))) "type mismatch") ;; FAIL
