/* kasync_state_test.c - every transition of the task state word, single-threaded. */
#include "base/test.h"
#include "kasync/state.h"

#define R1 KASYNC_ST_REF_ONE

static uintptr_t raw(struct kasync_state *s)
{
	return kasync_state_load(s);
}

static void set(struct kasync_state *s, uintptr_t v)
{
	atomic_store(&s->val, v);
}

static uintptr_t jw(enum kasync_join_waker j)
{
	return (uintptr_t)j << KASYNC_ST_JOIN_WAKER_SHIFT;
}

TEST(kasync_state, init_and_refs)
{
	struct kasync_state s;
	kasync_state_init(&s);
	EXPECT_EQ_U(raw(&s), R1);
	kasync_state_clone_ref(&s);
	EXPECT_EQ(kasync_snap_refs(raw(&s)), 2);
	EXPECT(!kasync_state_drop_ref(&s));
	EXPECT(kasync_state_drop_ref(&s));
	EXPECT_EQ(kasync_snap_refs(raw(&s)), 0);
}

TEST(kasync_state, start_poll)
{
	struct kasync_state s;
	bool wj = true;
	set(&s, R1 | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_start_poll(&s, &wj), KASYNC_START_POLL);
	EXPECT(!wj);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_start_poll(&s, &wj), KASYNC_START_DONT_POLL);
	set(&s, R1 | KASYNC_ST_COMPLETE);
	EXPECT_EQ(kasync_state_start_poll(&s, &wj), KASYNC_START_DONT_POLL);
	set(&s, R1 | KASYNC_ST_CANCELLED | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_start_poll(&s, &wj), KASYNC_START_CANCELLED);
	EXPECT(!wj);
	set(&s, R1 | KASYNC_ST_CANCELLED | KASYNC_ST_HAS_JOIN_HANDLE | jw(KASYNC_JW_WAITING));
	EXPECT_EQ(kasync_state_start_poll(&s, &wj), KASYNC_START_CANCELLED);
	EXPECT(wj);
	EXPECT_EQ(kasync_snap_join_waker(raw(&s)), KASYNC_JW_EMPTY);
}

TEST(kasync_state, end_poll)
{
	struct kasync_state s;
	set(&s, R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_end_poll(&s, false), KASYNC_RESULT_PENDING);
	EXPECT_EQ_U(raw(&s), R1);
	set(&s, R1 | KASYNC_ST_POLLING | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_end_poll(&s, false), KASYNC_RESULT_PENDING_SCHEDULE);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_WOKEN);
	set(&s, R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_end_poll(&s, true), KASYNC_RESULT_READY);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_COMPLETE | KASYNC_ST_HAS_OUTPUT);
	set(&s, R1 | KASYNC_ST_POLLING | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_end_poll(&s, true), KASYNC_RESULT_READY);
	set(&s, R1 | KASYNC_ST_POLLING | KASYNC_ST_HAS_JOIN_HANDLE | jw(KASYNC_JW_WAITING));
	EXPECT_EQ(kasync_state_end_poll(&s, true), KASYNC_RESULT_READY_JOINED);
	EXPECT_EQ(kasync_snap_join_waker(raw(&s)), KASYNC_JW_EMPTY);
}

TEST(kasync_state, try_join_and_register)
{
	struct kasync_state s;
	bool c = true;
	set(&s, R1 | KASYNC_ST_HAS_JOIN_HANDLE);
	EXPECT_EQ(kasync_state_try_join(&s, &c), KASYNC_JOIN_REGISTER);
	EXPECT_EQ(kasync_snap_join_waker(raw(&s)), KASYNC_JW_REGISTERING);
	kasync_state_join_waker_registered(&s);
	EXPECT_EQ(kasync_snap_join_waker(raw(&s)), KASYNC_JW_WAITING);
	EXPECT_EQ(kasync_state_try_join(&s, &c), KASYNC_JOIN_REREGISTER);
	kasync_state_join_waker_registered(&s);
	set(&s, R1 | KASYNC_ST_HAS_JOIN_HANDLE | KASYNC_ST_COMPLETE | KASYNC_ST_HAS_OUTPUT);
	EXPECT_EQ(kasync_state_try_join(&s, &c), KASYNC_JOIN_TAKE_OUTPUT);
	EXPECT(!(raw(&s) & KASYNC_ST_HAS_OUTPUT));
	set(&s, R1 | KASYNC_ST_CANCELLED | KASYNC_ST_COMPLETE | KASYNC_ST_HAS_OUTPUT);
	EXPECT_EQ(kasync_state_try_join(&s, &c), KASYNC_JOIN_CANCELLED);
	EXPECT(c);
	set(&s, R1 | KASYNC_ST_CANCELLED);
	EXPECT_EQ(kasync_state_try_join(&s, &c), KASYNC_JOIN_CANCELLED);
	EXPECT(!c);
}

TEST(kasync_state, wake_by_val)
{
	struct kasync_state s;
	set(&s, 2 * R1);
	EXPECT_EQ(kasync_state_wake_by_val(&s), KASYNC_WAKE_ENQUEUE);
	EXPECT_EQ_U(raw(&s), 3 * R1 | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_wake_by_val(&s), KASYNC_WAKE_NONE);
	EXPECT_EQ_U(raw(&s), 2 * R1 | KASYNC_ST_WOKEN);
	set(&s, 2 * R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_wake_by_val(&s), KASYNC_WAKE_NONE);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_POLLING | KASYNC_ST_WOKEN);
	set(&s, R1 | KASYNC_ST_COMPLETE);
	EXPECT_EQ(kasync_state_wake_by_val(&s), KASYNC_WAKE_DROP);
	EXPECT_EQ(kasync_snap_refs(raw(&s)), 0);
}

TEST(kasync_state, wake_by_ref)
{
	struct kasync_state s;
	set(&s, R1);
	EXPECT_EQ(kasync_state_wake_by_ref(&s), KASYNC_WAKE_ENQUEUE);
	EXPECT_EQ_U(raw(&s), 2 * R1 | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_wake_by_ref(&s), KASYNC_WAKE_NONE);
	EXPECT_EQ_U(raw(&s), 2 * R1 | KASYNC_ST_WOKEN);
	set(&s, R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_wake_by_ref(&s), KASYNC_WAKE_NONE);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_POLLING | KASYNC_ST_WOKEN);
	set(&s, R1 | KASYNC_ST_COMPLETE);
	EXPECT_EQ(kasync_state_wake_by_ref(&s), KASYNC_WAKE_NONE);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_COMPLETE);
}

TEST(kasync_state, cancel)
{
	struct kasync_state s;
	set(&s, R1);
	EXPECT_EQ(kasync_state_cancel(&s), KASYNC_CANCEL_ENQUEUE);
	EXPECT_EQ_U(raw(&s), 2 * R1 | KASYNC_ST_CANCELLED | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_cancel(&s), KASYNC_CANCEL_ALREADY);
	set(&s, R1 | KASYNC_ST_WOKEN);
	EXPECT_EQ(kasync_state_cancel(&s), KASYNC_CANCEL_DONE);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_WOKEN | KASYNC_ST_CANCELLED);
	set(&s, R1 | KASYNC_ST_POLLING);
	EXPECT_EQ(kasync_state_cancel(&s), KASYNC_CANCEL_DONE);
	EXPECT_EQ(kasync_state_end_poll(&s, false), KASYNC_RESULT_PENDING_SCHEDULE);
}

TEST(kasync_state, join_handle_bits)
{
	struct kasync_state s;
	set(&s, R1);
	kasync_state_create_join_handle(&s);
	EXPECT(raw(&s) & KASYNC_ST_HAS_JOIN_HANDLE);
	EXPECT(!kasync_state_drop_join_handle(&s));
	EXPECT_EQ_U(raw(&s), R1);
	set(&s, R1 | KASYNC_ST_HAS_JOIN_HANDLE | jw(KASYNC_JW_WAITING));
	EXPECT(kasync_state_drop_join_handle(&s));
	EXPECT_EQ_U(raw(&s), R1);
}

TEST(kasync_state, mark_queued)
{
	struct kasync_state s;
	kasync_state_init(&s);
	kasync_state_mark_queued(&s);
	EXPECT_EQ_U(raw(&s), R1 | KASYNC_ST_WOKEN);
}
