;; The runner's own check, part 3: a command that never ends. The runner
;; must kill the file after --timeout and count the commands that did not
;; report (the spin and the one after it) as failed.
(module
  (func (export "spin") (loop (br 0)))
  (func (export "one") (result i32) (i32.const 1))
)
(assert_return (invoke "one") (i32.const 1))
(invoke "spin")
(assert_return (invoke "one") (i32.const 1))
