# WBXML decoder (eas/wbxml): every request body a device sends goes through it before authentication
# completes its work, so it must survive anything. Also renders what it accepts as XML (traces).
easd_fuzzer(wbxml_decode SOURCE wbxml_decode_fuzz.cpp LIBS easd_wbxml)
# The XML parser of `easd wbxml encode` and test fixtures (expat, DTD-free, capped).
easd_fuzzer(wbxml_from_xml SOURCE wbxml_from_xml_fuzz.cpp LIBS easd_wbxml)
