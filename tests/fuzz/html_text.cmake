# Message bodies from any sender: HTML to text and charset conversion (STYLE.md 16).
easd_fuzzer(html_text SOURCE html_text_fuzz.cpp LIBS easd_core)
