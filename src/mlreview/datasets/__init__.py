"""Reading data files (load-test results): plain tables in, plain numbers out."""
