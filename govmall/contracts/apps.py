from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "govmall.contracts"
    label = "contracts"
    verbose_name = "合同与履约"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.bidding.hooks import register_on_award_confirmed
        from govmall.contracts import scoping  # noqa: F401 - registers the scope rules
        from govmall.contracts import tasks  # noqa: F401 - registers the worker jobs
        from govmall.contracts.exits import open_contracts_of_supplier
        from govmall.contracts.selectors import contract_link_for_order
        from govmall.contracts.services import contract_from_bidding, contract_from_order
        from govmall.contracts.workspace import todos
        from govmall.ordering.hooks import register_on_confirmed, register_related
        from govmall.suppliers.exit import register_open_business

        register_on_confirmed(contract_from_order)
        register_related(contract_link_for_order)
        register_on_award_confirmed(contract_from_bidding)
        register_open_business(open_contracts_of_supplier)
        workspace.register(todos)
        buyers = {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}
        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("合同与履约", "contracts:list", buyers | {Role.SUPPLIER_STAFF} | staff, group="采购", order=36)
        nav.add("对账与闭环", "contracts:reconciliation", buyers | staff, group="监督", order=44)
        nav.add("逾期未公告合同", "contracts:overdue_publications", staff, group="监督", order=45)
        nav.add("逾期未付款", "contracts:overdue_payments", staff, group="监督", order=46)
        nav.add("合同规则", "contracts:rules", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="运营", order=60)

        from govmall.contracts.models import ContractRules
        from govmall.contracts.services import rules_cache

        rules_cache.forget_on_change(ContractRules)  # the rules a purchase reads are kept a minute (core.memo)
