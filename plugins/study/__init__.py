"""Human evaluation studies (paper Figure 5, Tables 7 and 9): the `muse study` commands."""
