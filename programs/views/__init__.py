"""Pages of the programs app: each module holds its views and their URLs (`urls`)."""
