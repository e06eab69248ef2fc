"""The Callback Profiles pages: list, add/edit window with Test, profile page with its delivery
log and chart. They sit above `delivery` (they show deliveries and send tests), so `profiles`
itself never imports `delivery`."""
