from microcred.accounts.permissions import can_view_audit_log

__all__ = ["can_view_audit_log"]
