package io.boxd.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Errors raised by the servlet container before Spring MVC (bad URLs, for example) as problem+json too. */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest req) {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        HttpStatus hs = HttpStatus.resolve(status);
        String detail = hs == null ? "error " + status : hs.getReasonPhrase();
        Object msg = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (msg instanceof String s && !s.isBlank()) {
            detail = s;
        }
        ProblemDetail pd = Problems.of(HttpStatus.valueOf(status), Problems.kindFor(status), detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
