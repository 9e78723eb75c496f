# decode -> encode -> decode (and -> XML -> parse) must give the same tree for every accepted input.
easd_fuzzer(wbxml_roundtrip SOURCE wbxml_roundtrip_fuzz.cpp LIBS easd_wbxml)
