from govmall.core.hooks import Hook


def test_a_callback_registered_twice_runs_once_and_callbacks_run_in_registration_order():
    hook, seen = Hook(), []
    first, second = (lambda x: seen.append(("first", x))), (lambda x: seen.append(("second", x)))
    hook.register(first)
    hook.register(second)
    hook.register(first)
    hook.run(7)
    assert seen == [("first", 7), ("second", 7)]


def test_collect_joins_what_the_callbacks_return_and_skips_none():
    hook = Hook()
    hook.register(lambda order, user: [("合同", order, user)])
    hook.register(lambda order, user: None)
    hook.register(lambda order, user: [("验收", order, user), ("付款", order, user)])
    assert hook.collect(1, user="u") == [("合同", 1, "u"), ("验收", 1, "u"), ("付款", 1, "u")]


def test_an_unregistered_callback_no_longer_runs_and_unregistering_an_unknown_one_is_harmless():
    hook, seen = Hook(), []
    hook.register(seen.append)
    hook.unregister(seen.append)
    hook.unregister(print)
    hook.run("x")
    assert seen == [] and hook.collect("x") == []


def test_a_callback_registering_another_during_a_run_does_not_change_that_run():
    hook, seen = Hook(), []

    def late(x):
        seen.append(("late", x))

    def first(x):
        seen.append(("first", x))
        hook.register(late)

    hook.register(first)
    hook.run(1)
    assert seen == [("first", 1)]
    hook.run(2)
    assert seen == [("first", 1), ("first", 2), ("late", 2)]
