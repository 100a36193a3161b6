"""Excel worksheet functions (xlwings UDFs), installed as kkb_excel.udfs."""
