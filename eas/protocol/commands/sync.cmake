# Sources of this area: target_sources(easd_protocol PRIVATE ...)
