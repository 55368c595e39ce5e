"""The region's own records: who its region admins are and which offices it closed."""
